import { describe, expect, it } from 'vitest'
import { annotationsFromCsv, isNumber, parseCsv } from './csv'
import { MetricsInputError } from './errors'

describe('parseCsv', () => {
  it('reads quotes, doubled quotes, embedded commas and line breaks, CRLF and a BOM', () => {
    const rows = parseCsv('\ufeffa,b\r\n"x, y","say ""hi"""\n"multi\nline",z\n\nlast,1')
    expect(rows).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x, y', 'say "hi"'] },
      { line: 3, fields: ['multi\nline', 'z'] },
      { line: 6, fields: ['last', '1'] },
    ])
  })

  it.each([
    { text: 'a,b\n"open,1\n', message: /line 2: unterminated quoted field/ },
    { text: 'a,b\nx"y,1\n', message: /line 2: a quote inside an unquoted field/ },
    { text: 'a\n"x"y\n', message: /line 2: unexpected character/ },
  ])('throws with the line number: $message', ({ text, message }) => {
    expect(() => parseCsv(text)).toThrow(MetricsInputError)
    expect(() => parseCsv(text)).toThrow(message)
  })
})

describe('annotationsFromCsv', () => {
  it('finds the columns by name, reads numbers when every label is one, skips empty labels', () => {
    const r = annotationsFromCsv('Annotator,Item,Label\nann,1,3\nbob,1,4\nbob,2,\n')
    expect(r.numeric).toBe(true)
    expect(r.skipped).toBe(1)
    expect(r.annotations).toEqual([
      { item: '1', annotator: 'ann', value: 3 },
      { item: '1', annotator: 'bob', value: 4 },
    ])
    expect(r.lines).toEqual([2, 3])
  })

  it('keeps strings when any label is not a number, and accepts value/at columns', () => {
    const r = annotationsFromCsv('item,annotator,value,at\n1,a,pos,2024-01-01T00:00:00Z\n1,b,2,5\n')
    expect(r.numeric).toBe(false)
    expect(r.annotations[0]).toEqual({
      item: '1',
      annotator: 'a',
      value: 'pos',
      at: Date.UTC(2024, 0, 1),
    })
    expect(r.annotations[1]?.at).toBe(5)
  })

  it.each([
    { text: '', message: /line 1: the file is empty/ },
    {
      text: 'item,who,label\n1,a,x\n',
      message: /line 1: missing column annotator \(header has: item, who, label\)/,
    },
    { text: 'id,who\n', message: /missing columns item, annotator, label/ },
    { text: 'item,annotator,label\n1,a\n', message: /line 2: expected at least 3 fields, found 2/ },
    { text: 'item,annotator,label\n,a,x\n', message: /line 2: empty item id/ },
    {
      text: 'item,annotator,label\n1,a,x\n2,a,y\n1,a,z\n',
      message: /line 4: annotator 'a' already labelled item '1' on line 2/,
    },
    { text: 'item,annotator,label,at\n1,a,x,soon\n', message: /line 2: timestamp 'soon'/ },
  ])('throws with line numbers: $message', ({ text, message }) => {
    expect(() => annotationsFromCsv(text)).toThrow(message)
  })

  it.each([
    ['3', true],
    ['-0.5', true],
    ['1e3', true],
    ['.5', true],
    ['0x10', false],
    ['', false],
    ['1,5', false],
    ['Infinity', false],
  ])('isNumber(%j) = %s', (s, expected) => {
    expect(isNumber(s)).toBe(expected)
  })
})
