import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConcordError } from '@concord/core'
import { Hono } from 'hono'
import { afterAll, describe, expect, it } from 'vitest'
import { receiveMultipart } from './receive-multipart'

const dir = mkdtempSync(join(tmpdir(), 'concord-multipart-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** An app that receives `model` and answers with what it got, or the error's status and code. */
function app(maxFileBytes: number): Hono {
  const hono = new Hono()
  hono.post('/', async (c) => {
    const upload = await receiveMultipart(c, {
      fileField: 'model',
      maxFileBytes,
      maxFieldBytes: 64,
      dir,
    })
    try {
      const file = upload.file && readFileSync(upload.file.path, 'utf8')
      return c.json({ fields: Object.fromEntries(upload.fields), file: file ?? null })
    } finally {
      await upload.discard()
    }
  })
  hono.onError((err, c) =>
    err instanceof ConcordError
      ? c.json({ status: err.status, code: err.code, message: err.message }, 400)
      : c.json({ status: 500, message: String(err) }, 500),
  )
  return hono
}

function form(file: string, fields: Record<string, string> = { manifest: '{}' }): FormData {
  const f = new FormData()
  for (const [k, v] of Object.entries(fields)) f.set(k, v)
  f.set('model', new Blob([file]), 'model.onnx')
  return f
}

describe('receiveMultipart', () => {
  it('writes the file to disk and keeps the fields; nothing is left after discard', async () => {
    // Both exactly at their limits.
    const manifest = `"${'m'.repeat(62)}"`
    const res = await app(16).request('/', {
      method: 'POST',
      body: form('0123456789abcdef', { manifest }),
    })
    expect(await res.json()).toEqual({ fields: { manifest }, file: '0123456789abcdef' })
    expect(readdirSync(dir)).toEqual([])
  })

  const refusals: Array<{
    name: string
    init: () => RequestInit
    status: number
    message: RegExp
  }> = [
    {
      name: 'a file one byte over the limit',
      init: () => ({ method: 'POST', body: form('0123456789abcdefg') }),
      status: 413,
      message: /the file may be at most 16 bytes/,
    },
    {
      name: 'a field over its limit',
      init: () => ({ method: 'POST', body: form('x', { manifest: 'y'.repeat(65) }) }),
      status: 413,
      message: /the field `manifest` may be at most 64 bytes/,
    },
    {
      name: 'a body that is not multipart',
      init: () => ({ method: 'POST', body: 'plain', headers: { 'content-type': 'text/plain' } }),
      status: 400,
      message: /send multipart\/form-data with a `model` file/,
    },
    {
      name: 'a file under another name',
      init: () => {
        const f = new FormData()
        f.set('other', new Blob(['x']), 'x.bin')
        return { method: 'POST', body: f }
      },
      status: 400,
      message: /unexpected file field `other`/,
    },
  ]
  for (const { name, init, status, message } of refusals) {
    it(`refuses ${name} and leaves no file`, async () => {
      const res = await app(16).request('/', init())
      const body = (await res.json()) as { status: number; message: string }
      expect(body.status).toBe(status)
      expect(body.message).toMatch(message)
      expect(readdirSync(dir)).toEqual([])
    })
  }
})
