import { describe, expect, it } from 'vitest'
import { projectCreateSchema, projectUpdateSchema } from './project-input'

const labels = [
  { id: 'a', name: 'A' },
  { id: 'b', name: 'B' },
]

function paths(result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) {
  return result.error?.issues.map((i) => i.path.map(String).join('.')) ?? []
}

describe('projectCreateSchema', () => {
  it('fills defaults', () => {
    expect(
      projectCreateSchema.parse({ name: 'P', labelSchema: { kind: 'single', labels } }),
    ).toEqual({
      name: 'P',
      description: '',
      labelSchema: { kind: 'single', ordered: false, labels },
      overlap: 2,
      blind: true,
      annotatorsEditBooklet: false,
    })
  })

  const bad: Array<{ name: string; input: unknown; path: string }> = [
    {
      name: 'duplicate label id',
      input: {
        name: 'P',
        labelSchema: { kind: 'single', labels: [...labels, { id: 'a', name: 'A2' }] },
      },
      path: 'labelSchema.labels.2.id',
    },
    {
      name: 'overlap 0',
      input: { name: 'P', overlap: 0, labelSchema: { kind: 'single', labels } },
      path: 'overlap',
    },
    {
      name: 'overlap 51',
      input: { name: 'P', overlap: 51, labelSchema: { kind: 'single', labels } },
      path: 'overlap',
    },
    {
      name: 'bad id',
      input: { id: 'a/b', name: 'P', labelSchema: { kind: 'single', labels } },
      path: 'id',
    },
    {
      name: 'blank name',
      input: { name: '  ', labelSchema: { kind: 'single', labels } },
      path: 'name',
    },
    {
      name: 'unknown key',
      input: { name: 'P', overlapp: 3, labelSchema: { kind: 'single', labels } },
      path: '',
    },
  ]
  for (const { name, input, path } of bad) {
    it(`rejects ${name} at '${path}'`, () => {
      expect(paths(projectCreateSchema.safeParse(input))).toContain(path)
    })
  }
})

describe('projectUpdateSchema', () => {
  it('accepts any subset', () => {
    expect(projectUpdateSchema.parse({ blind: false })).toEqual({ blind: false })
    expect(projectUpdateSchema.parse({})).toEqual({})
  })
})
