import { projectCreateSchema } from '@concord/core'
import { describe, expect, test } from 'vitest'
import type { ProjectSummary } from '../../lib/api'
import { errorsByPath, fieldId, withoutPath } from './field-errors'
import {
  checkCreate,
  checkUpdate,
  createBody,
  emptyProjectDraft,
  labelIdFromName,
  newLabelDraft,
  projectFieldLabel,
  updateBody,
  type ProjectDraft,
} from './project-draft'

function draft(overrides: Partial<ProjectDraft> = {}): ProjectDraft {
  const labels = ['Positive', 'Negative'].map((name) => ({
    ...newLabelDraft(),
    name,
    id: labelIdFromName(name),
  }))
  return { ...emptyProjectDraft(), name: 'Reviews', labels, ...overrides }
}

const summary: ProjectSummary = {
  id: 'p1',
  name: 'Reviews',
  description: '',
  labelSchema: { kind: 'single', ordered: false, labels: [] },
  overlap: 2,
  blind: true,
  annotatorsEditBooklet: false,
  role: 'admin',
}

describe('new-project checks mirror the server', () => {
  test('a valid draft has no errors and its body passes the server schema', () => {
    const d = draft({ description: 'x', overlap: '3' })
    expect(checkCreate(d)).toEqual({})
    const body = createBody(d)
    expect(body).not.toHaveProperty('id')
    expect(projectCreateSchema.parse(body)).toMatchObject({
      name: 'Reviews',
      overlap: 3,
      blind: true,
      labelSchema: { kind: 'single', labels: [{ id: 'positive' }, { id: 'negative' }] },
    })
  })

  test('the empty form reports each missing field at the path the server would use', () => {
    const errors = checkCreate(emptyProjectDraft())
    expect(errors.name).toBe('a project needs a name')
    expect(errors['labelSchema.labels.0.id']).toBe('each label needs an id')
    expect(errors['labelSchema.labels.1.name']).toBe('each label needs a name')
  })

  test('schema rules come from the shared zod schema: duplicates, too few labels, bad ids', () => {
    const d = draft()
    d.labels[1]!.id = 'positive'
    expect(checkCreate(d)['labelSchema.labels.1.id']).toBe("duplicate label id 'positive'")
    expect(checkCreate(draft({ labels: [d.labels[0]!] }))['labelSchema.labels']).toBe(
      'a schema needs at least two labels',
    )
    expect(checkCreate(draft({ id: 'has space' })).id).toMatch(/project ids use/)
  })

  test('overlap must be a whole number from 1 to 50', () => {
    for (const overlap of ['', '0', '51', '2.5', 'two']) {
      expect(checkCreate(draft({ overlap })).overlap).toBe('enter a whole number from 1 to 50')
    }
  })

  test('an ordinal flag is dropped for multi-label schemas', () => {
    expect(createBody(draft({ kind: 'multi', ordered: true })).labelSchema.ordered).toBe(false)
  })
})

describe('settings form', () => {
  test('only changed settings are sent', () => {
    const d = {
      name: 'Reviews',
      description: '',
      overlap: '3',
      blind: false,
      annotatorsEditBooklet: false,
      allowRemoteMedia: false,
    }
    expect(updateBody(d, summary)).toEqual({ overlap: 3, blind: false })
    // A server that does not send the setting has it off.
    expect(updateBody({ ...d, allowRemoteMedia: true }, summary)).toEqual({
      overlap: 3,
      blind: false,
      allowRemoteMedia: true,
    })
    expect(checkUpdate({ ...d, name: ' ' }, summary).name).toBe('a project needs a name')
  })
})

describe('helpers', () => {
  test('label ids follow names', () => {
    expect(labelIdFromName('  Not sure? ')).toBe('not_sure')
    expect(labelIdFromName('Très positif')).toBe('tres_positif')
  })

  test('paths map to element ids and readable names', () => {
    expect(fieldId('labelSchema.labels.1.id')).toBe('f-labelSchema-labels-1-id')
    expect(projectFieldLabel('labelSchema.labels.1.id')).toBe('Label 2 id')
    expect(
      errorsByPath([
        { path: ['a', 0], message: 'm' },
        { path: 'a.0', message: 'n' },
      ]),
    ).toEqual({
      'a.0': 'm',
    })
    expect(withoutPath({ a: 'x', b: 'y' }, 'a')).toEqual({ b: 'y' })
  })
})
