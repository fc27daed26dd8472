import { describe, expect, it } from 'vitest'
import { parseCsv } from './csv-parser'
import { csvCell, toCsv, type CsvValue } from './csv-writer'

describe('csvCell', () => {
  it.each<[string, CsvValue, string]>([
    // Numbers are written as themselves, negative ones included.
    ['a negative number', -0.25, '-0.25'],
    ['a positive number', 0.5, '0.5'],
    ['zero', 0, '0'],
    ['an integer', 1234, '1234'],
    ['an exponent', -1.5e-7, '-1.5e-7'],
    ['NaN is empty', Number.NaN, ''],
    ['infinity is empty', Number.NEGATIVE_INFINITY, ''],
    ['null is empty', null, ''],
    ['undefined is empty', undefined, ''],
    ['a boolean', true, 'true'],
    // Plain text.
    ['plain text', 'spam', 'spam'],
    ['empty text', '', ''],
    ['a comma is quoted', 'a,b', '"a,b"'],
    ['a quote is doubled', 'say "hi"', '"say ""hi"""'],
    ['an inner newline is quoted', 'a\nb', '"a\nb"'],
    ['a formula character inside is harmless', 'a=1+2', 'a=1+2'],
    ['text that looks like a positive number', '12', '12'],
    // Text starting with a formula character: a leading quote, and quoted.
    ['=', '=1+2', `"'=1+2"`],
    ['+', '+1', `"'+1"`],
    ['- (text, even if it looks like a number)', '-1+2', `"'-1+2"`],
    ['- alone', '-', `"'-"`],
    ['@', '@SUM(A1:A2)', `"'@SUM(A1:A2)"`],
    ['tab', '\t=1', `"'\t=1"`],
    ['carriage return', '\r=1', `"'\r=1"`],
    ['a hyperlink payload', '=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    ['with a comma', '=1,2', `"'=1,2"`],
    // Arrays are joined with '|' and then treated as text.
    ['an array', ['a', 'b'], 'a|b'],
    ['an array starting with a formula', ['=x', 'b'], `"'=x|b"`],
  ])('%s', (_name, value, expected) => {
    expect(csvCell(value)).toBe(expected)
  })
})

describe('toCsv', () => {
  it('writes a header and CRLF lines, and reads back with the leading quote', () => {
    const text = toCsv(
      ['id', 'name', 'kappa'],
      [
        ['-7', '=cmd|/c calc!A0', -0.25],
        ['i2', '@x', 0.5],
      ],
    )
    expect(text).toBe(`id,name,kappa\r\n"'-7","'=cmd|/c calc!A0",-0.25\r\ni2,"'@x",0.5\r\n`)
    expect(parseCsv(text).map((r) => r.fields)).toEqual([
      ['id', 'name', 'kappa'],
      ["'-7", "'=cmd|/c calc!A0", '-0.25'],
      ['i2', "'@x", '0.5'],
    ])
  })

  it('neutralises a header cell too', () => {
    expect(toCsv(['=h'], [])).toBe(`"'=h"\r\n`)
  })
})
