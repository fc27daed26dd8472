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
 * Decodes a source as UTF-8, chunk by chunk (a multi-byte character may straddle chunks).
 * Invalid UTF-8 is an ImportError at the line `lineNow()` reports.
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
      yield { text: chunk, bytes: Buffer.byteLength(chunk) }
    } else {
      yield { text: decode(chunk), bytes: chunk.byteLength }
    }
  }
  const rest = decode(undefined)
  if (rest !== '') yield { text: rest, bytes: 0 }
}
