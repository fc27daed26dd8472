import { ImportError } from '@concord/core'

/** What an import reads: a file or request body, in chunks of bytes (or text, for tests). */
export type ImportSource = AsyncIterable<Uint8Array | string>

export interface ImportProgress {
  /** Records read so far (data rows, not counting a CSV header). */
  readonly rows: number
  /** Bytes read so far. */
  readonly bytes: number
}

/**
 * Most characters handed on at once: a source that comes as one big piece (a string, a buffered
 * body) is cut so that parsing and validating one piece stays a short slice of work.
 */
export const PIECE_CHARS = 64 * 1024

/** `text` in pieces of at most PIECE_CHARS; the bytes are counted on the first piece. */
function* pieces(text: string, bytes: number): Generator<{ text: string; bytes: number }> {
  if (text.length <= PIECE_CHARS) {
    yield { text, bytes }
    return
  }
  for (let at = 0; at < text.length; at += PIECE_CHARS) {
    yield { text: text.slice(at, at + PIECE_CHARS), bytes: at === 0 ? bytes : 0 }
  }
}

/**
 * Decodes a source as UTF-8, chunk by chunk (a multi-byte character may straddle chunks), in
 * pieces of at most PIECE_CHARS. Invalid UTF-8 is an ImportError at the line `lineNow()` reports.
 */
export async function* decodeSource(
  source: ImportSource,
  lineNow: () => number,
): AsyncGenerator<{ text: string; bytes: number }> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
  const decode = (chunk: Uint8Array | undefined): string => {
    try {
      return chunk === undefined ? decoder.decode() : decoder.decode(chunk, { stream: true })
    } catch {
      throw new ImportError(lineNow(), 'the file is not valid UTF-8 text')
    }
  }
  for await (const chunk of source) {
    if (typeof chunk === 'string') {
      yield* pieces(chunk, Buffer.byteLength(chunk))
    } else {
      yield* pieces(decode(chunk), chunk.byteLength)
    }
  }
  const rest = decode(undefined)
  if (rest !== '') yield { text: rest, bytes: 0 }
}
