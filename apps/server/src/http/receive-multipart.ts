import { createWriteStream, type WriteStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { ConcordError } from '@concord/core'
import busboy from 'busboy'
import type { Context } from 'hono'
import { randomId } from '../auth/random-id'

export interface MultipartLimits {
  /** The one file part this request may carry. */
  readonly fileField: string
  /** Most bytes of that file; one more and the request is refused (413) at once. */
  readonly maxFileBytes: number
  /** Most bytes of each text field. */
  readonly maxFieldBytes: number
  /** Where the file is written while it arrives (the data directory: same disk, private). */
  readonly dir: string
}

export interface ReceivedMultipart {
  /** Text fields by name (the last value of a repeated name). */
  readonly fields: ReadonlyMap<string, string>
  /** The file, on disk, when the request had one. */
  readonly file?: { readonly path: string; readonly bytes: number }
  /** Deletes the file; call it whatever became of the upload. */
  discard(): Promise<void>
}

/** Text fields a request may carry besides the file. */
const MAX_FIELDS = 8

/**
 * Reads a multipart/form-data request as it arrives: the file part is written straight to a
 * file in `dir`, text fields are kept. Memory stays flat whatever the size of the upload
 * (Hono's parseBody/formData would hold the whole body), and an upload is refused (413) as soon
 * as its file passes `maxFileBytes`, with or without a Content-Length.
 */
export async function receiveMultipart(
  c: Context,
  limits: MultipartLimits,
): Promise<ReceivedMultipart> {
  const contentType = c.req.header('content-type') ?? ''
  const body = c.req.raw.body
  if (!/^multipart\/form-data\s*;/i.test(contentType) || body === null) {
    throw new ConcordError(
      'bad_request',
      `send multipart/form-data with a \`${limits.fileField}\` file`,
    )
  }
  const tooLarge = () =>
    new ConcordError('too_large', `the file may be at most ${limits.maxFileBytes} bytes`)
  // A body that says up front it is larger than the file and fields together is refused unread.
  const maxBody = limits.maxFileBytes + MAX_FIELDS * limits.maxFieldBytes + 64 * 1024
  const declared = Number(c.req.header('content-length') ?? NaN)
  if (Number.isFinite(declared) && declared > maxBody) throw tooLarge()

  const path = join(limits.dir, `.upload-${randomId('', 12)}.part`)
  const discard = () => rm(path, { force: true })
  const fields = new Map<string, string>()
  let file: { path: string; bytes: number } | undefined
  let out: WriteStream | undefined
  let written: Promise<void> = Promise.resolve()

  let parser: busboy.Busboy
  try {
    parser = busboy({
      headers: { 'content-type': contentType },
      limits: {
        files: 1,
        fields: MAX_FIELDS,
        parts: MAX_FIELDS + 1,
        // busboy reports a part as over its limit once it reaches it: one more byte is allowed
        // so that a file or field of exactly the limit is accepted.
        fieldSize: limits.maxFieldBytes + 1,
        fileSize: limits.maxFileBytes + 1,
      },
    })
  } catch (err) {
    throw new ConcordError(
      'bad_request',
      `not a readable multipart body: ${err instanceof Error ? err.message : String(err)}`,
    )
  }

  const reader = body.getReader()
  const done = new Promise<void>((resolve, reject) => {
    let failed = false
    // Wakes a pump waiting for the parser to drain, which a failed parser never does.
    let wake: () => void = () => {}
    const fail = (err: unknown): void => {
      if (failed) return
      failed = true
      wake()
      reader.cancel().catch(() => {})
      out?.destroy()
      parser.removeAllListeners('file')
      parser.removeAllListeners('field')
      // Later parser errors (the body was cut off) have nothing left to tell.
      parser.on('error', () => {})
      reject(
        err instanceof ConcordError
          ? err
          : new ConcordError(
              'bad_request',
              `the multipart body could not be read: ${err instanceof Error ? err.message : String(err)}`,
            ),
      )
    }
    parser.on('file', (name, stream) => {
      if (name !== limits.fileField || out !== undefined) {
        stream.resume()
        fail(new ConcordError('bad_request', `unexpected file field \`${name}\``))
        return
      }
      const sink = createWriteStream(path, { mode: 0o600 })
      out = sink
      let bytes = 0
      stream.on('data', (chunk: Buffer) => (bytes += chunk.length))
      stream.on('limit', () => fail(tooLarge()))
      stream.on('error', fail)
      sink.on('error', fail)
      written = new Promise<void>((fileDone) => {
        sink.on('finish', () => {
          file = { path, bytes }
          fileDone()
        })
      })
      stream.pipe(sink)
    })
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) {
        fail(
          new ConcordError(
            'too_large',
            `the field \`${name}\` may be at most ${limits.maxFieldBytes} bytes`,
          ),
        )
        return
      }
      fields.set(name, value)
    })
    parser.on('filesLimit', () => fail(new ConcordError('bad_request', 'send one file only')))
    parser.on('fieldsLimit', () => fail(new ConcordError('bad_request', 'too many fields')))
    parser.on('partsLimit', () => fail(new ConcordError('bad_request', 'too many parts')))
    parser.on('error', fail)
    parser.on('close', () => {
      if (!failed) written.then(resolve, fail)
    })

    // The body is fed by hand so that what arrives is counted, and waits while the disk is
    // slower than the network (the parser's write returns false until it drains).
    const pump = async (): Promise<void> => {
      let total = 0
      for (;;) {
        const { done: end, value } = await reader.read()
        if (failed) return
        if (end) break
        total += value.byteLength
        if (total > maxBody) throw tooLarge()
        if (!parser.write(value)) {
          await new Promise<void>((drained) => {
            wake = drained
            parser.once('drain', drained)
          })
          if (failed) return
        }
      }
      parser.end()
    }
    pump().catch(fail)
  })

  try {
    await done
  } catch (err) {
    await discard()
    throw err
  }
  return { fields, ...(file ? { file } : {}), discard }
}
