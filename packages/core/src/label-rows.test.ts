import { describe, expect, it } from 'vitest'
import { parseCsv } from './csv-parser'
import { ImportError } from './errors'
import { labelCsvLayout, labelFromCsv, parseLabelText, type LabelRow } from './label-rows'
import { labelSchemaSchema } from './label-schema'

function fromCsv(text: string): LabelRow[] {
  const [header, ...rows] = parseCsv(text)
  if (!header) throw new Error('no header')
  const layout = labelCsvLayout(header)
  return rows.map((r) => labelFromCsv(layout, r))
}

function errorOf(run: () => unknown): string {
  try {
    run()
  } catch (err) {
    expect(err).toBeInstanceOf(ImportError)
    return (err as Error).message
  }
  throw new Error('expected an ImportError')
}

describe('label rows from CSV', () => {
  const ok: Array<{ name: string; csv: string; expected: LabelRow[] }> = [
    {
      name: 'item, annotator, label',
      csv: 'item,annotator,label\ne1,ana,pos\n',
      expected: [{ line: 2, item: 'e1', annotator: 'ana', label: 'pos', unsure: false }],
    },
    {
      name: 'alternative names, unsure and note, extra columns ignored',
      csv: 'external_id,user,value,unsure,note,when\ne1,u_1,neg,yes,"hard, really",today\ne2,u_1,pos,0,,x\n',
      expected: [
        { line: 2, item: 'e1', annotator: 'u_1', label: 'neg', unsure: true, note: 'hard, really' },
        { line: 3, item: 'e2', annotator: 'u_1', label: 'pos', unsure: false },
      ],
    },
  ]
  for (const { name, csv, expected } of ok) {
    it(name, () => expect(fromCsv(csv)).toEqual(expected))
  }

  const bad: Array<{ name: string; csv: string; message: string }> = [
    { name: 'no label column', csv: 'item,annotator\n', message: 'line 1: no label column' },
    {
      name: 'empty label',
      csv: 'item,annotator,label\ne,a,\n',
      message: 'line 2: the label is empty',
    },
    {
      name: 'bad unsure',
      csv: 'item,annotator,label,unsure\ne,a,pos,maybe\n',
      message: "line 2: unsure must be yes/no, true/false or 1/0, found 'maybe'",
    },
    {
      name: 'ragged row',
      csv: 'item,annotator,label\ne,a\n',
      message: 'line 2: expected 3 fields',
    },
  ]
  for (const { name, csv, message } of bad) {
    it(`rejects ${name}`, () => expect(errorOf(() => fromCsv(csv)).startsWith(message)).toBe(true))
  }
})

describe('parseLabelText', () => {
  const single = labelSchemaSchema.parse({
    kind: 'single',
    labels: [
      { id: 'pos', name: 'Positive' },
      { id: 'neg', name: 'Negative' },
    ],
  })
  const multi = labelSchemaSchema.parse({ ...single, kind: 'multi' })

  it('reads single and multi labels', () => {
    expect(parseLabelText(single, 'pos')).toEqual({ ok: true, value: 'pos' })
    expect(parseLabelText(multi, 'pos|neg')).toEqual({ ok: true, value: ['neg', 'pos'] })
    expect(parseLabelText(multi, 'neg')).toEqual({ ok: true, value: ['neg'] })
  })

  it('refuses labels outside the schema', () => {
    expect(parseLabelText(single, 'meh')).toMatchObject({ ok: false })
    expect(parseLabelText(single, 'pos|neg')).toMatchObject({ ok: false })
    expect(parseLabelText(multi, 'pos|meh')).toMatchObject({ ok: false })
  })
})
