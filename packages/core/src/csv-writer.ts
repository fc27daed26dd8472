/**
 * The one CSV writer of Concord: RFC 4180 (comma, CRLF, cells quoted when they hold `"`, `,`,
 * CR or LF), with a header row, safe to open in a spreadsheet.
 *
 * Formula injection (OWASP "CSV Injection"): a spreadsheet runs a cell that starts with `=`,
 * `+`, `-` or `@` as a formula, and tab or carriage return can hide such a start. Item ids,
 * label ids and names, user names and notes come from people, so a text cell starting with any
 * of those six characters is written with a leading `'` (which spreadsheets show as text) and
 * quoted. Numbers are not text: a `number` cell is written as itself, so `-0.25` in a numeric
 * column stays a number. Which cells are numbers is decided by their type, never by what a
 * string looks like, so the user-provided string "-1" is neutralised like "=1+2".
 */
export type CsvValue = string | number | boolean | null | undefined | readonly string[]

const FORMULA_START = /^[=+\-@\t\r]/
const NEEDS_QUOTES = /[",\r\n]/

/** One cell as written: empty for null, undefined, NaN and infinities; arrays joined with '|'. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : ''
  if (typeof value === 'boolean') return String(value)
  const text = typeof value === 'string' ? value : value.join('|')
  if (FORMULA_START.test(text)) return `"'${text.replace(/"/g, '""')}"`
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** A whole file: the header row, then one line per row, each line ending in CRLF. */
export function toCsv(header: readonly string[], rows: Iterable<readonly CsvValue[]>): string {
  const lines = [header.map(csvCell).join(',')]
  for (const row of rows) lines.push(row.map(csvCell).join(','))
  return lines.join('\r\n') + '\r\n'
}
