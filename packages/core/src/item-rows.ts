import type { CsvRow } from './csv-parser'
import { ImportError } from './errors'
import type { JsonlRow } from './jsonl-parser'

/** An item as read from an import file, validated, before it has a database id. */
export interface ItemRow {
  /** The team's own id for the item, unique within a project. */
  readonly externalId: string
  readonly text?: string
  readonly mediaUrl?: string
  /** Every other column; for JSONL also an `embedding` array when present. */
  readonly metadata: Record<string, unknown>
}

/** Which column names (case-insensitive) hold the id, the text and the media reference. */
export interface ItemColumnNames {
  readonly id: readonly string[]
  readonly text: readonly string[]
  readonly media: readonly string[]
}

export const DEFAULT_ITEM_COLUMNS: ItemColumnNames = Object.freeze({
  id: ['id', 'external_id'],
  text: ['text'],
  media: ['image', 'image_url', 'media_url', 'url'],
})

export const MAX_EXTERNAL_ID_LENGTH = 256
export const MAX_TEXT_LENGTH = 1_000_000
export const MAX_MEDIA_URL_LENGTH = 4096
/**
 * Characters of an item's metadata as JSON (its embedding aside, which is stored as a vector).
 * Metadata is parsed for every item served, so a bound keeps one item from weighing on every page.
 */
export const MAX_METADATA_CHARS = 64 * 1024

/** Where the columns of a CSV file are, resolved once from its header. */
export interface ItemCsvLayout {
  readonly headerLine: number
  readonly names: readonly string[]
  readonly id: number
  readonly text: number | undefined
  readonly media: number | undefined
}

function findColumn(lower: readonly string[], candidates: readonly string[]): number | undefined {
  for (const candidate of candidates) {
    const at = lower.indexOf(candidate.toLowerCase())
    if (at !== -1) return at
  }
  return undefined
}

function alternatives(names: readonly string[]): string {
  return names.map((n) => `'${n}'`).join(', ')
}

/** Reads the header of a CSV file: column names must be present, distinct and non-empty. */
export function csvHeader(header: CsvRow): readonly string[] {
  const names = header.fields.map((f) => f.trim())
  const seen = new Map<string, number>()
  names.forEach((name, i) => {
    if (name === '') throw new ImportError(header.line, `column ${i + 1} of the header has no name`)
    const lower = name.toLowerCase()
    const before = seen.get(lower)
    if (before !== undefined) {
      throw new ImportError(
        header.line,
        `columns ${before + 1} and ${i + 1} are both named '${name}'`,
      )
    }
    seen.set(lower, i)
  })
  return names
}

export function itemCsvLayout(
  header: CsvRow,
  columns: ItemColumnNames = DEFAULT_ITEM_COLUMNS,
): ItemCsvLayout {
  const names = csvHeader(header)
  const lower = names.map((n) => n.toLowerCase())
  const id = findColumn(lower, columns.id)
  if (id === undefined) {
    throw new ImportError(
      header.line,
      `no id column; name one of the columns ${alternatives(columns.id)}`,
    )
  }
  const text = findColumn(lower, columns.text)
  const media = findColumn(lower, columns.media)
  if (text === undefined && media === undefined) {
    throw new ImportError(
      header.line,
      `no content column; name one ${alternatives(columns.text)} or one of ${alternatives(columns.media)}`,
    )
  }
  return { headerLine: header.line, names, id, text, media }
}

function checkExternalId(line: number, raw: string): string {
  const id = raw.trim()
  if (id === '') throw new ImportError(line, 'the id is empty')
  if (id.length > MAX_EXTERNAL_ID_LENGTH) {
    throw new ImportError(line, `the id is longer than ${MAX_EXTERNAL_ID_LENGTH} characters`)
  }
  return id
}

const SCHEME = /^([a-z][a-z0-9+.-]*):/i

/**
 * A media reference is an http(s) URL or a path relative to the server's media root. Other
 * schemes (javascript:, file:, data:) are refused: the web app puts these into `src` attributes.
 */
function checkMediaUrl(line: number, raw: string): string | undefined {
  const url = raw.trim()
  if (url === '') return undefined
  if (url.length > MAX_MEDIA_URL_LENGTH) {
    throw new ImportError(line, `the media url is longer than ${MAX_MEDIA_URL_LENGTH} characters`)
  }
  const scheme = SCHEME.exec(url)?.[1]?.toLowerCase()
  if (scheme !== undefined && scheme !== 'http' && scheme !== 'https') {
    throw new ImportError(
      line,
      `media url '${url.slice(0, 80)}' uses '${scheme}:'; use http(s) or a relative path`,
    )
  }
  return url
}

function checkText(line: number, text: string): string | undefined {
  if (text === '') return undefined
  if (text.length > MAX_TEXT_LENGTH) {
    throw new ImportError(line, `the text is longer than ${MAX_TEXT_LENGTH} characters`)
  }
  return text
}

function checkMetadataSize(line: number, metadata: Record<string, unknown>): void {
  let chars = 2
  for (const [key, value] of Object.entries(metadata)) {
    if (key === 'embedding') continue
    chars +=
      key.length + (typeof value === 'string' ? value.length : String(JSON.stringify(value)).length)
    if (chars > MAX_METADATA_CHARS) {
      throw new ImportError(
        line,
        `the metadata (every column but the id, text and media) is larger than ${MAX_METADATA_CHARS} characters`,
      )
    }
  }
}

function build(
  line: number,
  externalId: string,
  text: string | undefined,
  mediaUrl: string | undefined,
  metadata: Record<string, unknown>,
): ItemRow {
  if (text === undefined && mediaUrl === undefined) {
    throw new ImportError(line, `item '${externalId}' has neither text nor a media url`)
  }
  checkMetadataSize(line, metadata)
  return {
    externalId,
    ...(text !== undefined ? { text } : {}),
    ...(mediaUrl !== undefined ? { mediaUrl } : {}),
    metadata,
  }
}

/** Maps one CSV record to an item; every column that is not id or content goes to metadata. */
export function itemFromCsv(layout: ItemCsvLayout, row: CsvRow): ItemRow {
  const { line, fields } = row
  if (fields.length !== layout.names.length) {
    throw new ImportError(
      line,
      `expected ${layout.names.length} fields like the header, found ${fields.length}`,
    )
  }
  const externalId = checkExternalId(line, fields[layout.id] ?? '')
  const text = layout.text === undefined ? undefined : checkText(line, fields[layout.text] ?? '')
  const mediaUrl =
    layout.media === undefined ? undefined : checkMediaUrl(line, fields[layout.media] ?? '')
  const metadata: Record<string, unknown> = {}
  layout.names.forEach((name, i) => {
    if (i !== layout.id && i !== layout.text && i !== layout.media) metadata[name] = fields[i]
  })
  return build(line, externalId, text, mediaUrl, metadata)
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function findKey(keys: readonly string[], candidates: readonly string[]): string | undefined {
  const lower = keys.map((k) => k.toLowerCase())
  const at = findColumn(lower, candidates)
  return at === undefined ? undefined : keys[at]
}

/**
 * Maps one JSON Lines object to an item. The id may be a string or an integer; `text` and the
 * media key must be strings (or null); an `embedding` must be an array of finite numbers and is
 * kept in metadata; a `metadata` object is merged into metadata; other keys go to metadata.
 */
export function itemFromJson(
  row: JsonlRow,
  columns: ItemColumnNames = DEFAULT_ITEM_COLUMNS,
): ItemRow {
  const { line, value } = row
  if (!isPlainObject(value)) throw new ImportError(line, 'expected a JSON object')
  const keys = Object.keys(value)
  const idKey = findKey(keys, columns.id)
  if (idKey === undefined)
    throw new ImportError(line, `no id; set one of ${alternatives(columns.id)}`)
  const rawId = value[idKey]
  let externalId: string
  if (typeof rawId === 'string') externalId = checkExternalId(line, rawId)
  else if (typeof rawId === 'number' && Number.isSafeInteger(rawId)) externalId = String(rawId)
  else throw new ImportError(line, `'${idKey}' must be a string or an integer`)

  const str = (key: string | undefined): string | undefined => {
    if (key === undefined) return undefined
    const v = value[key]
    if (v === null || v === undefined) return undefined
    if (typeof v !== 'string') throw new ImportError(line, `'${key}' must be a string`)
    return v
  }
  const textKey = findKey(keys, columns.text)
  const mediaKey = findKey(keys, columns.media)
  const rawText = str(textKey)
  const text = rawText === undefined ? undefined : checkText(line, rawText)
  const rawMedia = str(mediaKey)
  const mediaUrl = rawMedia === undefined ? undefined : checkMediaUrl(line, rawMedia)

  const metadata: Record<string, unknown> = {}
  for (const key of keys) {
    if (key === idKey || key === textKey || key === mediaKey) continue
    const v = value[key]
    if (key === 'metadata' && isPlainObject(v)) {
      Object.assign(metadata, v)
    } else if (key === 'embedding') {
      if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
        throw new ImportError(line, "'embedding' must be an array of finite numbers")
      }
      metadata.embedding = v
    } else {
      metadata[key] = v
    }
  }
  return build(line, externalId, text, mediaUrl, metadata)
}
