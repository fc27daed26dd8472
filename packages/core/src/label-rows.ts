import type { CsvRow } from './csv-parser'
import { ImportError } from './errors'
import { csvHeader } from './item-rows'
import { checkLabelValue, type LabelCheck, type LabelSchema } from './label-schema'

/** One imported judgement: which item (external id), by whom (username or user id), which label. */
export interface LabelRow {
  readonly line: number
  readonly item: string
  readonly annotator: string
  /** The label as written: a label id, or label ids joined by '|' for multi-label schemas. */
  readonly label: string
  readonly unsure: boolean
  readonly note?: string
}

/** Which column names (case-insensitive) hold each part of a label row. */
export interface LabelColumnNames {
  readonly item: readonly string[]
  readonly annotator: readonly string[]
  readonly label: readonly string[]
  readonly unsure: readonly string[]
  readonly note: readonly string[]
}

export const DEFAULT_LABEL_COLUMNS: LabelColumnNames = Object.freeze({
  item: ['item', 'item_id', 'external_id', 'id'],
  annotator: ['annotator', 'annotator_id', 'user', 'username', 'user_id'],
  label: ['label', 'value'],
  unsure: ['unsure'],
  note: ['note', 'notes', 'comment'],
})

export const MAX_NOTE_LENGTH = 2000

export interface LabelCsvLayout {
  readonly width: number
  readonly item: number
  readonly annotator: number
  readonly label: number
  readonly unsure: number | undefined
  readonly note: number | undefined
}

export function labelCsvLayout(
  header: CsvRow,
  columns: LabelColumnNames = DEFAULT_LABEL_COLUMNS,
): LabelCsvLayout {
  const lower = csvHeader(header).map((n) => n.toLowerCase())
  const find = (names: readonly string[]): number | undefined => {
    for (const name of names) {
      const at = lower.indexOf(name.toLowerCase())
      if (at !== -1) return at
    }
    return undefined
  }
  const need = (part: string, names: readonly string[]): number => {
    const at = find(names)
    if (at === undefined) {
      throw new ImportError(
        header.line,
        `no ${part} column; name one of the columns ${names.map((n) => `'${n}'`).join(', ')}`,
      )
    }
    return at
  }
  return {
    width: lower.length,
    item: need('item', columns.item),
    annotator: need('annotator', columns.annotator),
    label: need('label', columns.label),
    unsure: find(columns.unsure),
    note: find(columns.note),
  }
}

const YES = new Set(['1', 'true', 'yes', 'y', 'x'])
const NO = new Set(['', '0', 'false', 'no', 'n'])

export function labelFromCsv(layout: LabelCsvLayout, row: CsvRow): LabelRow {
  const { line, fields } = row
  if (fields.length !== layout.width) {
    throw new ImportError(
      line,
      `expected ${layout.width} fields like the header, found ${fields.length}`,
    )
  }
  const cell = (i: number): string => (fields[i] ?? '').trim()
  const item = cell(layout.item)
  const annotator = cell(layout.annotator)
  const label = cell(layout.label)
  if (item === '') throw new ImportError(line, 'the item is empty')
  if (annotator === '') throw new ImportError(line, 'the annotator is empty')
  if (label === '') throw new ImportError(line, 'the label is empty')
  let unsure = false
  if (layout.unsure !== undefined) {
    const raw = cell(layout.unsure).toLowerCase()
    if (YES.has(raw)) unsure = true
    else if (!NO.has(raw)) {
      throw new ImportError(line, `unsure must be yes/no, true/false or 1/0, found '${raw}'`)
    }
  }
  const note = layout.note === undefined ? '' : (fields[layout.note] ?? '')
  if (note.length > MAX_NOTE_LENGTH) {
    throw new ImportError(line, `the note is longer than ${MAX_NOTE_LENGTH} characters`)
  }
  return { line, item, annotator, label, unsure, ...(note !== '' ? { note } : {}) }
}

/**
 * Reads a label as written in a file against the schema: a label id, or for multi-label schemas
 * label ids joined by '|' (the stored text form, see `encodeLabelValue`).
 */
export function parseLabelText(schema: LabelSchema, text: string): LabelCheck {
  if (schema.kind === 'single') return checkLabelValue(schema, text)
  const parts = text
    .split('|')
    .map((p) => p.trim())
    .filter((p) => p !== '')
  return checkLabelValue(schema, parts)
}
