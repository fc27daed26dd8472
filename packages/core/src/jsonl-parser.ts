import { MAX_CSV_RECORD_CHARS } from './csv-parser'
import { ImportError } from './errors'

/** One JSON Lines record; `line` is its 1-based line in the file. */
export interface JsonlRow {
  readonly line: number
  readonly value: unknown
}

/** An incremental JSON Lines parser: chunks of any size in, parsed lines out. */
export interface JsonlParser {
  push(chunk: string): JsonlRow[]
  end(): JsonlRow[]
  /** The line the parser has reached (1-based). */
  readonly line: number
}

export interface JsonlParserOptions {
  /** Most characters one line may hold; more is an ImportError on it. Default MAX_CSV_RECORD_CHARS. */
  readonly maxLineChars?: number
}

/**
 * One JSON value per line (`\n` or `\r\n`); blank lines are skipped, a leading byte-order mark
 * is ignored. A line that is not JSON, or longer than `maxLineChars` (a line is held whole while
 * it is read), is an ImportError naming the line.
 */
export function createJsonlParser(options: JsonlParserOptions = {}): JsonlParser {
  const maxLineChars = options.maxLineChars ?? MAX_CSV_RECORD_CHARS
  let line = 1
  let rest = ''
  let first = true
  const tooLong = (): ImportError =>
    new ImportError(line, `this line is longer than ${maxLineChars} characters`)

  const parseLine = (text: string, out: JsonlRow[]): void => {
    if (text.length > maxLineChars + 1) throw tooLong()
    const body = text.endsWith('\r') ? text.slice(0, -1) : text
    if (body.trim() !== '') {
      let value: unknown
      try {
        value = JSON.parse(body)
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err)
        throw new ImportError(line, `not valid JSON (${reason})`)
      }
      out.push({ line, value })
    }
    line++
  }

  const push = (chunk: string): JsonlRow[] => {
    const out: JsonlRow[] = []
    let text = chunk
    if (first && text.length > 0) {
      first = false
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
    }
    let from = 0
    let nl = text.indexOf('\n')
    if (nl === -1) {
      if (rest.length + text.length > maxLineChars + 1) throw tooLong()
      rest += text
      return out
    }
    parseLine(rest + text.slice(0, nl), out)
    rest = ''
    from = nl + 1
    while ((nl = text.indexOf('\n', from)) !== -1) {
      parseLine(text.slice(from, nl), out)
      from = nl + 1
    }
    if (text.length - from > maxLineChars + 1) throw tooLong()
    rest = text.slice(from)
    return out
  }

  const end = (): JsonlRow[] => {
    const out: JsonlRow[] = []
    if (rest !== '') parseLine(rest, out)
    rest = ''
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
