import { ImportError } from './errors'

/** One CSV record; `line` is the 1-based physical line on which the record starts. */
export interface CsvRow {
  readonly line: number
  readonly fields: string[]
}

export interface CsvParserOptions {
  /** Field separator, one character. Default ','. */
  readonly delimiter?: string
  /** Most fields one record may have; more is an ImportError on its line. Default MAX_CSV_FIELDS. */
  readonly maxFields?: number
  /**
   * Most characters one record may hold, its fields together; more is an ImportError on its
   * line. Default MAX_CSV_RECORD_CHARS.
   */
  readonly maxRecordChars?: number
}

/**
 * Columns a CSV record may have. A file with thousands of columns turns every row into an object
 * of thousands of keys: 10,000 columns took the server to 888 MB. Refusing at the first record
 * past the limit keeps such a file from being read at all.
 */
export const MAX_CSV_FIELDS = 1000

/**
 * Characters one CSV record (or JSON line) may hold: an item's text (MAX_TEXT_LENGTH, 1,000,000)
 * with room for its id, media reference, metadata and embedding. A record is held whole while it
 * is read, so without a bound one unclosed quote would make the whole file one field in memory.
 */
export const MAX_CSV_RECORD_CHARS = 2 * 1024 * 1024

/**
 * An incremental CSV parser: feed it text in chunks of any size (a chunk may end anywhere, even
 * between `\r` and `\n` or between the two quotes of an escaped quote) and it returns the
 * records completed so far.
 */
export interface CsvParser {
  push(chunk: string): CsvRow[]
  /** Flushes the last record; throws if the input ends inside a quoted field. */
  end(): CsvRow[]
  /** The physical line the parser has reached (1-based), for errors outside records. */
  readonly line: number
}

const QUOTE = 34 // "
const LF = 10
const CR = 13
const BOM = 0xfeff

const enum State {
  /** At the start of a field: a quote here opens a quoted field. */
  FieldStart,
  /** Inside an unquoted field. */
  Unquoted,
  /** Inside a quoted field. */
  Quoted,
  /** Saw a quote inside a quoted field: either the closing quote or the first of a pair. */
  QuoteInQuoted,
  /** After the closing quote: only a delimiter or a line break may follow. */
  Closed,
}

/**
 * RFC 4180 with the tolerances real files need:
 * - a leading byte-order mark is skipped;
 * - records end with `\n`, `\r\n` or a lone `\r`; line breaks inside quoted fields are kept and
 *   normalised to `\n`, and counted, so `line` stays the physical line of the file;
 * - a doubled quote inside a quoted field is one quote; a quote inside an unquoted field is
 *   kept literally (`5" screen`);
 * - anything but a delimiter or line break after a closing quote is an error;
 * - blank lines are skipped (they are not records of one empty field).
 */
export function createCsvParser(options: CsvParserOptions = {}): CsvParser {
  const delimiter = options.delimiter ?? ','
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new Error(`the CSV delimiter must be one character other than a quote or line break`)
  }
  const delim = delimiter.charCodeAt(0)
  const maxFields = options.maxFields ?? MAX_CSV_FIELDS
  const maxRecordChars = options.maxRecordChars ?? MAX_CSV_RECORD_CHARS

  let line = 1
  let state = State.FieldStart
  let field = ''
  let fields: string[] = []
  /** Whether the current record has any content yet (a blank line has none). */
  let started = false
  let recordLine = 1
  /** The previous character was a `\r`, so a `\n` now belongs to the same line break. */
  let afterCR = false
  let first = true
  /** Characters of the current record's fields so far, the current one included. */
  let recordChars = 0

  const endField = (): void => {
    if (fields.length >= maxFields) {
      throw new ImportError(
        recordLine,
        `this record has more than ${maxFields} fields; Concord reads at most ${maxFields} columns`,
      )
    }
    fields.push(field)
    field = ''
  }

  /** Appends to the current field, refusing a record that grows past maxRecordChars. */
  const append = (text: string): void => {
    recordChars += text.length
    if (recordChars > maxRecordChars) {
      throw new ImportError(
        recordLine,
        `this record is longer than ${maxRecordChars} characters (an unclosed quote makes the rest of the file one field)`,
      )
    }
    field += text
  }

  const endRecord = (out: CsvRow[]): void => {
    if (started) {
      endField()
      out.push({ line: recordLine, fields })
    }
    fields = []
    field = ''
    recordChars = 0
    started = false
    state = State.FieldStart
  }

  const start = (): void => {
    if (!started) {
      started = true
      recordLine = line
    }
  }

  const push = (chunk: string): CsvRow[] => {
    const out: CsvRow[] = []
    let i = 0
    const n = chunk.length
    if (first && n > 0) {
      first = false
      if (chunk.charCodeAt(0) === BOM) i = 1
    }
    while (i < n) {
      const c = chunk.charCodeAt(i)
      if (afterCR) {
        afterCR = false
        if (c === LF) {
          i++
          continue
        }
      }
      switch (state) {
        case State.FieldStart:
        case State.Unquoted: {
          if (c === delim) {
            start()
            endField()
            state = State.FieldStart
            i++
          } else if (c === LF || c === CR) {
            endRecord(out)
            line++
            afterCR = c === CR
            i++
          } else if (c === QUOTE && state === State.FieldStart) {
            start()
            state = State.Quoted
            i++
          } else {
            start()
            state = State.Unquoted
            // Copy the run up to the next special character in one slice.
            let j = i + 1
            while (j < n) {
              const d = chunk.charCodeAt(j)
              if (d === delim || d === LF || d === CR) break
              j++
            }
            append(chunk.slice(i, j))
            i = j
          }
          break
        }
        case State.Quoted: {
          if (c === QUOTE) {
            state = State.QuoteInQuoted
            i++
          } else if (c === LF || c === CR) {
            append('\n')
            line++
            afterCR = c === CR
            i++
          } else {
            let j = i + 1
            while (j < n) {
              const d = chunk.charCodeAt(j)
              if (d === QUOTE || d === LF || d === CR) break
              j++
            }
            append(chunk.slice(i, j))
            i = j
          }
          break
        }
        case State.QuoteInQuoted: {
          if (c === QUOTE) {
            append('"')
            state = State.Quoted
            i++
          } else {
            state = State.Closed
          }
          break
        }
        case State.Closed: {
          if (c === delim) {
            endField()
            state = State.FieldStart
            i++
          } else if (c === LF || c === CR) {
            endRecord(out)
            line++
            afterCR = c === CR
            i++
          } else {
            throw new ImportError(
              line,
              `unexpected ${JSON.stringify(chunk[i])} after a closing quote; a quote inside a quoted field is written as ""`,
            )
          }
          break
        }
      }
    }
    return out
  }

  const end = (): CsvRow[] => {
    if (state === State.Quoted) {
      throw new ImportError(recordLine, 'a quoted field opened on this line is never closed')
    }
    const out: CsvRow[] = []
    endRecord(out)
    return out
  }

  return {
    push,
    end,
    get line() {
      return line
    },
  }
}

/** Parses a whole CSV text at once. */
export function parseCsv(text: string, options?: CsvParserOptions): CsvRow[] {
  const parser = createCsvParser(options)
  return [...parser.push(text), ...parser.end()]
}
