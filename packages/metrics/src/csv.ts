import { MetricsInputError } from './errors'
import type { Annotation } from './table'

export interface CsvRow {
  /** 1-based line number where the row starts. */
  readonly line: number
  readonly fields: string[]
}

/**
 * A small RFC 4180 CSV parser: comma-separated fields, double-quoted fields may contain
 * commas, doubled quotes and line breaks; LF or CRLF line ends; a leading BOM is dropped;
 * blank lines are skipped. Throws {@link MetricsInputError} ('csv') with the line number of an
 * unterminated quote or a stray quote inside an unquoted field.
 */
export function parseCsv(text: string): CsvRow[] {
  const rows: CsvRow[] = []
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0
  let line = 1
  const n = text.length
  while (i < n) {
    const rowLine = line
    const fields: string[] = []
    let field = ''
    let atRowEnd = false
    while (!atRowEnd) {
      if (text[i] === '"') {
        const quoteLine = line
        i++
        for (;;) {
          if (i >= n) {
            throw new MetricsInputError('csv', `line ${quoteLine}: unterminated quoted field`)
          }
          const ch = text[i] as string
          if (ch === '"') {
            if (text[i + 1] === '"') {
              field += '"'
              i += 2
              continue
            }
            i++
            break
          }
          if (ch === '\n') line++
          field += ch
          i++
        }
        const next = text[i]
        if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
          throw new MetricsInputError(
            'csv',
            `line ${line}: unexpected character after a quoted field`,
          )
        }
      } else {
        const startAt = i
        while (i < n) {
          const ch = text[i]
          if (ch === ',' || ch === '\n' || ch === '\r') break
          if (ch === '"') {
            throw new MetricsInputError('csv', `line ${line}: a quote inside an unquoted field`)
          }
          i++
        }
        field = text.slice(startAt, i)
      }
      fields.push(field)
      field = ''
      const ch = text[i]
      if (ch === ',') i++
      else {
        if (ch === '\r') i++
        if (text[i] === '\n') i++
        line++
        atRowEnd = true
      }
    }
    if (!(fields.length === 1 && fields[0] === '')) rows.push({ line: rowLine, fields })
  }
  return rows
}

export interface CsvAnnotations {
  readonly annotations: Annotation[]
  /** True when every label was read as a number. */
  readonly numeric: boolean
  /** Rows skipped because the label cell was empty (a missing value). */
  readonly skipped: number
  /** The CSV line of each annotation, for messages. */
  readonly lines: number[]
}

const LABEL_COLUMNS = ['label', 'value']
const TIME_COLUMNS = ['at', 'time', 'timestamp']

/**
 * Reads annotations from CSV text with a header row naming the columns `item`, `annotator` and
 * `label` (or `value`), in any order and case, and optionally `at`/`time`/`timestamp` (a
 * number or an ISO 8601 date). Labels become numbers when every label is a number
 * (`numeric: 'auto'`, the default), or always stay strings (`numeric: false`). An empty label
 * is a missing value. Throws {@link MetricsInputError} ('csv') naming the line of a missing
 * column, a short row, an empty id, a bad timestamp or a repeated (item, annotator) pair.
 */
export function annotationsFromCsv(
  text: string,
  options: { readonly numeric?: 'auto' | false } = {},
): CsvAnnotations {
  const rows = parseCsv(text)
  const header = rows[0]
  if (!header)
    throw new MetricsInputError('csv', 'line 1: the file is empty (expected a header row)')
  const names = header.fields.map((f) => f.trim().toLowerCase())
  const find = (candidates: readonly string[]): number =>
    names.findIndex((name) => candidates.includes(name))
  const itemCol = find(['item'])
  const annotatorCol = find(['annotator'])
  const labelCol = find(LABEL_COLUMNS)
  const timeCol = find(TIME_COLUMNS)
  const missing = [
    itemCol < 0 ? 'item' : undefined,
    annotatorCol < 0 ? 'annotator' : undefined,
    labelCol < 0 ? 'label' : undefined,
  ].filter((x) => x !== undefined)
  if (missing.length > 0) {
    throw new MetricsInputError(
      'csv',
      `line ${header.line}: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (header has: ${header.fields.join(', ')})`,
    )
  }
  const width = Math.max(itemCol, annotatorCol, labelCol, timeCol) + 1
  const raw: { item: string; annotator: string; label: string; at?: number }[] = []
  const lines: number[] = []
  const seen = new Map<string, number>()
  let skipped = 0
  for (let r = 1; r < rows.length; r++) {
    const { line, fields } = rows[r] as CsvRow
    if (fields.length < width) {
      throw new MetricsInputError(
        'csv',
        `line ${line}: expected at least ${width} fields, found ${fields.length}`,
      )
    }
    const item = (fields[itemCol] as string).trim()
    const annotator = (fields[annotatorCol] as string).trim()
    const label = (fields[labelCol] as string).trim()
    if (item === '') throw new MetricsInputError('csv', `line ${line}: empty item id`)
    if (annotator === '') throw new MetricsInputError('csv', `line ${line}: empty annotator id`)
    if (label === '') {
      skipped++
      continue
    }
    const key = `${item}\u0000${annotator}`
    const before = seen.get(key)
    if (before !== undefined) {
      throw new MetricsInputError(
        'csv',
        `line ${line}: annotator '${annotator}' already labelled item '${item}' on line ${before}`,
      )
    }
    seen.set(key, line)
    const entry: { item: string; annotator: string; label: string; at?: number } = {
      item,
      annotator,
      label,
    }
    if (timeCol >= 0) {
      const t = (fields[timeCol] as string).trim()
      const at =
        t === ''
          ? Number.NaN
          : /^[-+]?\d/.test(t) && Number.isFinite(Number(t))
            ? Number(t)
            : Date.parse(t)
      if (!Number.isFinite(at)) {
        throw new MetricsInputError(
          'csv',
          `line ${line}: timestamp '${t}' is not a number or a date`,
        )
      }
      entry.at = at
    }
    raw.push(entry)
    lines.push(line)
  }
  const numeric = options.numeric !== false && raw.length > 0 && raw.every((r) => isNumber(r.label))
  const annotations = raw.map((r) => ({
    item: r.item,
    annotator: r.annotator,
    value: numeric ? Number(r.label) : r.label,
    ...(r.at !== undefined ? { at: r.at } : {}),
  }))
  return { annotations, numeric, skipped, lines }
}

/** True for a string that is a finite decimal number ('3', '-0.5', '1e3'). */
export function isNumber(s: string): boolean {
  return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s.trim())
}
