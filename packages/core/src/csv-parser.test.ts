import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createCsvParser, parseCsv, type CsvRow } from './csv-parser'
import { ImportError } from './errors'

const rows = (...r: Array<[number, string[]]>): CsvRow[] =>
  r.map(([line, fields]) => ({ line, fields }))

describe('createCsvParser', () => {
  const cases: Array<{ name: string; input: string; expected: CsvRow[] }> = [
    { name: 'empty input', input: '', expected: [] },
    { name: 'one record, no final newline', input: 'a,b', expected: rows([1, ['a', 'b']]) },
    {
      name: 'LF line ends',
      input: 'a,b\nc,d\n',
      expected: rows([1, ['a', 'b']], [2, ['c', 'd']]),
    },
    {
      name: 'CRLF line ends',
      input: 'a,b\r\nc,d\r\n',
      expected: rows([1, ['a', 'b']], [2, ['c', 'd']]),
    },
    { name: 'lone CR line ends', input: 'a\rb\r', expected: rows([1, ['a']], [2, ['b']]) },
    { name: 'byte-order mark', input: '\uFEFFid,text\n', expected: rows([1, ['id', 'text']]) },
    { name: 'empty fields', input: ',,\n', expected: rows([1, ['', '', '']]) },
    {
      name: 'quoted field with delimiter',
      input: '1,"a, b"\n',
      expected: rows([1, ['1', 'a, b']]),
    },
    {
      name: 'doubled quotes',
      input: '"say ""hi""",x\n',
      expected: rows([1, ['say "hi"', 'x']]),
    },
    { name: 'empty quoted field', input: '"",x\n', expected: rows([1, ['', 'x']]) },
    {
      name: 'newline inside quotes counts physical lines',
      input: 'h\n"one\ntwo\nthree",x\nnext\n',
      expected: rows([1, ['h']], [2, ['one\ntwo\nthree', 'x']], [5, ['next']]),
    },
    {
      name: 'CRLF inside quotes is normalised to LF',
      input: '"a\r\nb"\r\nc\r\n',
      expected: rows([1, ['a\nb']], [3, ['c']]),
    },
    {
      name: 'blank lines are skipped but counted',
      input: 'a\n\n\r\nb\n',
      expected: rows([1, ['a']], [4, ['b']]),
    },
    {
      name: 'quote inside an unquoted field is literal',
      input: '5" screen,x\n',
      expected: rows([1, ['5" screen', 'x']]),
    },
    {
      name: 'unicode passes through',
      input: 'é,日本,🙂\n',
      expected: rows([1, ['é', '日本', '🙂']]),
    },
  ]

  for (const { name, input, expected } of cases) {
    it(`${name}: whole`, () => {
      expect(parseCsv(input)).toEqual(expected)
    })
    it(`${name}: one character at a time`, () => {
      const p = createCsvParser()
      const out: CsvRow[] = []
      for (const ch of input.split('')) out.push(...p.push(ch))
      out.push(...p.end())
      expect(out).toEqual(expected)
    })
  }

  it('supports another delimiter', () => {
    expect(parseCsv('a;b\t\n"x;y";z', { delimiter: ';' })).toEqual(
      rows([1, ['a', 'b\t']], [2, ['x;y', 'z']]),
    )
  })

  const errors: Array<{ name: string; input: string; message: string }> = [
    {
      name: 'unterminated quote names the line it opened on',
      input: 'a\nb\n"never closed\nmore\n',
      message: 'line 3: a quoted field opened on this line is never closed',
    },
    {
      name: 'text after a closing quote',
      input: 'a\n"x"y,z\n',
      message: 'line 2: unexpected "y" after a closing quote',
    },
  ]
  for (const { name, input, message } of errors) {
    it(`rejects ${name}`, () => {
      let caught: unknown
      try {
        parseCsv(input)
      } catch (err) {
        caught = err
      }
      expect(caught).toBeInstanceOf(ImportError)
      expect((caught as Error).message.startsWith(message)).toBe(true)
    })
  }

  it('round-trips any records written RFC-style, whatever the chunking', () => {
    const field = fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', '\n', ' ', 'é') })
    const record = fc.array(field, { minLength: 1, maxLength: 4 })
    fc.assert(
      fc.property(
        fc.array(record, { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 20 }),
        fc.boolean(),
        (records, cuts, crlf) => {
          // Blank records (one empty field) are written quoted so they are not blank lines.
          const text = records
            .map((r) => r.map((f) => `"${f.replaceAll('"', '""')}"`).join(','))
            .join(crlf ? '\r\n' : '\n')
          const p = createCsvParser()
          const out: CsvRow[] = []
          let at = 0
          let k = 0
          while (at < text.length) {
            const size = cuts[k++ % cuts.length] ?? 1
            out.push(...p.push(text.slice(at, at + size)))
            at += size
          }
          out.push(...p.end())
          expect(out.map((r) => r.fields)).toEqual(records)
          // Each record starts one line after the previous one ends.
          let line = 1
          records.forEach((r, i) => {
            expect(out[i]?.line).toBe(line)
            line += r.join(',').split('\n').length
          })
        },
      ),
    )
  })
})

describe('createCsvParser limits', () => {
  const limited = { maxFields: 3, maxRecordChars: 10 }
  const cases: Array<{ name: string; input: string; error: string | null }> = [
    { name: 'at the field limit', input: 'a,b,c\n', error: null },
    {
      name: 'one field too many',
      input: 'a,b\nc,d,e,f\n',
      error: 'line 2: this record has more than 3 fields; Concord reads at most 3 columns',
    },
    { name: 'at the length limit', input: 'abcde,fghij\n', error: null },
    {
      name: 'one character too many',
      input: 'x\nabcde,fghijk\n',
      error: 'line 2: this record is longer than 10 characters',
    },
    {
      name: 'an unclosed quote reads no further than the limit',
      input: 'a\n"bcd\nefg\nhij\nklm\n',
      error: 'line 2: this record is longer than 10 characters',
    },
  ]
  for (const { name, input, error } of cases) {
    it(`${name}: whole and one character at a time`, () => {
      for (const chunks of [[input], input.split('')]) {
        const run = () => {
          const p = createCsvParser(limited)
          for (const c of chunks) p.push(c)
          p.end()
        }
        if (error === null) expect(run).not.toThrow()
        else {
          expect(run).toThrow(ImportError)
          expect(run).toThrow(error)
        }
      }
    })
  }

  it('refuses 10,000 columns by default at the 1,001st field of the header', () => {
    const p = createCsvParser()
    const header = Array.from({ length: 10_000 }, (_, i) => `c${i}`).join(',')
    expect(() => p.push(header)).toThrow(
      'line 1: this record has more than 1000 fields; Concord reads at most 1000 columns',
    )
  })
})
