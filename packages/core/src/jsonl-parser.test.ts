import { describe, expect, it } from 'vitest'
import { ImportError } from './errors'
import { createJsonlParser, type JsonlRow } from './jsonl-parser'

function parseAll(chunks: string[]): JsonlRow[] {
  const p = createJsonlParser()
  const out: JsonlRow[] = []
  for (const c of chunks) out.push(...p.push(c))
  out.push(...p.end())
  return out
}

describe('createJsonlParser', () => {
  const cases: Array<{ name: string; input: string; expected: JsonlRow[] }> = [
    { name: 'empty', input: '', expected: [] },
    {
      name: 'two lines',
      input: '{"a":1}\n{"a":2}\n',
      expected: [
        { line: 1, value: { a: 1 } },
        { line: 2, value: { a: 2 } },
      ],
    },
    {
      name: 'CRLF, no final newline',
      input: '{"a":1}\r\n{"a":"x\\ny"}',
      expected: [
        { line: 1, value: { a: 1 } },
        { line: 2, value: { a: 'x\ny' } },
      ],
    },
    {
      name: 'blank lines skipped but counted, BOM ignored',
      input: '\uFEFF{"a":1}\n\n  \n[2]\n',
      expected: [
        { line: 1, value: { a: 1 } },
        { line: 4, value: [2] },
      ],
    },
  ]
  for (const { name, input, expected } of cases) {
    it(`${name}: whole and one character at a time`, () => {
      expect(parseAll([input])).toEqual(expected)
      expect(parseAll(input.split(''))).toEqual(expected)
    })
  }

  it('names the line of invalid JSON', () => {
    const run = () => parseAll(['{"a":1}\n{"a":2}\n{"a":\n'])
    expect(run).toThrow(ImportError)
    expect(run).toThrow(/^line 3: not valid JSON/)
  })
})

describe('createJsonlParser limits', () => {
  const parse = (chunks: string[]) => {
    const p = createJsonlParser({ maxLineChars: 10 })
    for (const c of chunks) p.push(c)
    p.end()
  }
  const cases: Array<{ name: string; input: string; error: string | null }> = [
    { name: 'at the limit, with \\r\\n', input: '{"a":"12"}\r\n{"b":1}\n', error: null },
    {
      name: 'a long line',
      input: '{"a":1}\n{"a":"1234"}\n',
      error: 'line 2: this line is longer than 10 characters',
    },
    {
      name: 'a long last line',
      input: '{"a":1}\n{"a":"1234"}',
      error: 'line 2: this line is longer than 10 characters',
    },
  ]
  for (const { name, input, error } of cases) {
    it(`${name}: whole and one character at a time`, () => {
      for (const chunks of [[input], input.split('')]) {
        if (error === null) expect(() => parse(chunks)).not.toThrow()
        else expect(() => parse(chunks)).toThrow(error)
      }
    })
  }
})
