import { ImportError, type ProjectId } from '@concord/core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../testing/test-app'
import type { ImportProgress } from './decode-source'
import { importItems } from './import-items'
import { blobToFloats } from '../models/model-repo'

/** The file as a network would deliver it: bytes in fixed-size chunks, cut anywhere. */
async function* bytesOf(text: string, chunk = 64 * 1024): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text)
  for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk)
}

async function importError(run: Promise<unknown>): Promise<ImportError> {
  try {
    await run
  } catch (err) {
    if (err instanceof ImportError) return err
    throw err
  }
  throw new Error('expected an ImportError')
}

describe('importItems', () => {
  let t: TestApp
  let project: ProjectId
  beforeEach(async () => {
    t = await createTestApp()
    project = (await t.project({ id: 'imp' })).id
  })
  afterEach(() => t.close())

  const count = async () =>
    Number(
      (
        await t.ctx.db
          .selectFrom('items')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )

  it('imports a 100,000-row CSV', async () => {
    const lines = ['id,text,source,score']
    for (let i = 0; i < 100_000; i++) {
      lines.push(`item-${i},"Row ${i}: a short text, with a comma and a ""quote""",web,${i % 7}`)
    }
    const csv = lines.join('\r\n') + '\r\n'
    const progress: ImportProgress[] = []
    const started = performance.now()
    const result = await importItems(t.ctx, project, bytesOf(csv), 'csv', (p) => progress.push(p))
    const ms = performance.now() - started
    expect(result).toEqual({ imported: 100_000 })
    expect(await count()).toBe(100_000)
    expect(progress.at(-1)).toEqual({ rows: 100_000, bytes: Buffer.byteLength(csv) })
    const rowsPerSecond = Math.round(100_000 / (ms / 1000))
    console.log(
      `[import] 100,000 CSV rows (${(csv.length / 1e6).toFixed(1)} MB) in ${ms.toFixed(0)} ms = ${rowsPerSecond} rows/s`,
    )
    const last = await t.ctx.db
      .selectFrom('items')
      .selectAll()
      .where('external_id', '=', 'item-99999')
      .executeTakeFirstOrThrow()
    expect(last.text).toBe('Row 99999: a short text, with a comma and a "quote"')
    expect(JSON.parse(last.metadata)).toEqual({ source: 'web', score: '4' })
  })

  it('a bad row at line 5,000 imports nothing; the error names the physical line', async () => {
    // A quoted field spanning three lines early on: records and physical lines differ.
    const lines = ['id,text', 'multi,"first\nsecond\nthird"']
    while (lines.length + 2 < 4998) lines.push(`r${lines.length},fine`)
    // lines[] now holds physical lines 1..4998 (the multi-line record counts as 3).
    lines.push('r-before,fine')
    lines.push('r-bad') // physical line 5000: one field instead of two
    for (let i = 0; i < 1000; i++) lines.push(`after${i},fine`)
    const err = await importError(
      importItems(t.ctx, project, bytesOf(lines.join('\n'), 4096), 'csv'),
    )
    expect(err.message).toBe('line 5000: expected 2 fields like the header, found 1')
    expect(err.line).toBe(5000)
    expect(await count()).toBe(0)
  })

  it('refuses an id repeated in the file, or already in the project, with the line', async () => {
    const dup = await importError(
      importItems(t.ctx, project, bytesOf('id,text\na,1\nb,2\na,3\n'), 'csv'),
    )
    expect(dup.message).toBe("line 4: the id 'a' is already used on line 2")
    expect(await count()).toBe(0)

    await importItems(t.ctx, project, bytesOf('id,text\na,1\n'), 'csv')
    const rows = ['id,text']
    for (let i = 0; i < 1200; i++) rows.push(`n${i},x`)
    rows.push('a,again')
    const existing = await importError(importItems(t.ctx, project, bytesOf(rows.join('\n')), 'csv'))
    expect(existing.message).toBe("line 1202: an item with id 'a' is already in the project")
    expect(await count()).toBe(1)
  })

  it('refuses an image on another server unless the project allows remote media', async () => {
    const csv = 'id,text,image\na,x,local/a.png\nb,x,https://tracker.example/b.png\n'
    const remote = await importError(importItems(t.ctx, project, bytesOf(csv), 'csv'))
    expect(remote.message).toMatch(
      /^line 3: the image 'https:\/\/tracker\.example\/b\.png' is on another server, .*let the project allow remote media/,
    )
    const jsonl = '{"id":"c","image_url":"HTTP://tracker.example/c.png"}\n'
    expect((await importError(importItems(t.ctx, project, bytesOf(jsonl), 'jsonl'))).line).toBe(1)
    expect(await count()).toBe(0)

    // A project admin allows it in the project's settings; then the URL is kept as it is.
    const patch = await t.request('PATCH', '/api/projects/imp', {
      token: t.adminToken,
      body: { allowRemoteMedia: true },
    })
    expect(patch.status).toBe(200)
    expect(patch.body.project.allowRemoteMedia).toBe(true)
    // The server's administrator has not listed that origin: the page's CSP would block it.
    const unlisted = await importError(importItems(t.ctx, project, bytesOf(csv), 'csv'))
    expect(unlisted.message).toMatch(
      /^line 3: .* is on https:\/\/tracker\.example, which this server does not load images from; .*CONCORD_REMOTE_MEDIA_ORIGINS/,
    )
    expect(await count()).toBe(0)
  })

  it('keeps a remote image from an origin the administrator listed, in a project that allows it', async () => {
    const listed = await createTestApp({
      options: { remoteMediaOrigins: ['https://tracker.example'] },
    })
    try {
      const id = (await listed.project({ id: 'rem' })).id
      const patch = await listed.request('PATCH', '/api/projects/rem', {
        token: listed.adminToken,
        body: { allowRemoteMedia: true },
      })
      expect(patch.status).toBe(200)
      const csv = 'id,text,image\na,x,local/a.png\nb,x,https://tracker.example/b.png\n'
      expect(await importItems(listed.ctx, id, bytesOf(csv), 'csv')).toEqual({ imported: 2 })
      const urls = await listed.ctx.db
        .selectFrom('items')
        .select('media_url')
        .orderBy('id')
        .execute()
      expect(urls.map((r) => r.media_url)).toEqual(['local/a.png', 'https://tracker.example/b.png'])
    } finally {
      await listed.close()
    }
  })

  it.each([
    ['../outside.png', /leads outside the media directory/],
    ['/etc/passwd', /absolute media path/],
    ['sub/..%2f..%2fsecret.png', /percent-encoded/],
    ['sub\\x.png', /separate folders with '\/'/],
  ])('refuses the media path %s with the line', async (path, reason) => {
    const err = await importError(
      importItems(t.ctx, project, bytesOf(`id,image\nok,a.png\nbad,${path}\n`), 'csv'),
    )
    expect(err.line).toBe(3)
    expect(err.message).toMatch(reason)
    expect(await count()).toBe(0)
  })

  it('imports JSON Lines, keeping an embedding as a vector of its own', async () => {
    const jsonl = [
      JSON.stringify({ id: 1, text: 'one', embedding: [0.5, 0.25], lang: 'en' }),
      '',
      JSON.stringify({ id: 'two', image_url: 'img/2.png' }),
    ].join('\n')
    expect(await importItems(t.ctx, project, bytesOf(jsonl, 7), 'jsonl')).toEqual({ imported: 2 })
    const rows = await t.ctx.db.selectFrom('items').selectAll().orderBy('id').execute()
    expect(rows.map((r) => [r.external_id, r.text, r.media_url, JSON.parse(r.metadata)])).toEqual([
      ['1', 'one', null, { lang: 'en' }],
      ['two', null, 'img/2.png', {}],
    ])
    const vectors = await t.ctx.db.selectFrom('embeddings').selectAll().execute()
    expect(vectors.map((v) => [v.item_id, v.source, [...blobToFloats(v.vector)]])).toEqual([
      [rows[0]!.id, 'imported', [0.5, 0.25]],
    ])
    const fresh = (await t.project({ id: 'emb' })).id
    const width = await importError(
      importItems(
        t.ctx,
        fresh,
        bytesOf(
          '{"id":"w1","text":"t","embedding":[1,2]}\n{"id":"w2","text":"t","embedding":[1,2,3]}\n',
        ),
        'jsonl',
      ),
    )
    expect(width.message).toBe("line 2: 'embedding' has 3 numbers; 2 are expected (as on line 1)")
    const againstStored = await importError(
      importItems(t.ctx, project, bytesOf('{"id":"w3","text":"t","embedding":[1,2,3]}\n'), 'jsonl'),
    )
    expect(againstStored.message).toBe(
      "line 1: 'embedding' has 3 numbers; 2 are expected (as in the project's embeddings)",
    )
    const bad = await importError(
      importItems(t.ctx, project, bytesOf('{"id":"x","text":"t"}\n{"id":"y"\n'), 'jsonl'),
    )
    expect(bad.message).toMatch(/^line 2: not valid JSON/)
  })

  it('decodes UTF-8 split across chunks and refuses invalid UTF-8', async () => {
    const csv = 'id,text\nü,日本語 🙂\n'
    expect(await importItems(t.ctx, project, bytesOf(csv, 1), 'csv')).toEqual({ imported: 1 })
    const row = await t.ctx.db.selectFrom('items').selectAll().executeTakeFirstOrThrow()
    expect([row.external_id, row.text]).toEqual(['ü', '日本語 🙂'])
    async function* invalid() {
      yield new TextEncoder().encode('id,text\nx,ok\n')
      yield new Uint8Array([0x79, 0x2c, 0xff, 0xfe, 0x0a])
    }
    const err = await importError(importItems(t.ctx, project, invalid(), 'csv'))
    expect(err.message).toBe('line 3: the file is not valid UTF-8 text')
  })

  it('refuses an empty file', async () => {
    expect((await importError(importItems(t.ctx, project, bytesOf(''), 'csv'))).message).toMatch(
      /^line 1: the file is empty/,
    )
    expect((await importError(importItems(t.ctx, project, bytesOf('\n'), 'jsonl'))).message).toBe(
      'line 1: the file has no items',
    )
  })
})

describe('POST /api/projects/:id/items/import', () => {
  let t: TestApp
  beforeEach(async () => {
    t = await createTestApp({ options: { maxImportBytes: 10_000, maxBodyBytes: 100 } })
    await t.project({ id: 'imp' })
  })
  afterEach(() => t.close())

  it('streams the raw body past the JSON body limit, up to maxImportBytes', async () => {
    const rows = ['id,text']
    for (let i = 0; i < 200; i++) rows.push(`${i},text number ${i}`)
    const body = rows.join('\n')
    expect(body.length).toBeGreaterThan(100)
    expect(body.length).toBeLessThan(10_000)
    const res = await t.request('POST', '/api/projects/imp/items/import?format=csv', {
      token: t.adminToken,
      body,
    })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ imported: 200 })
  })

  it('answers 422 invalid_import with the line', async () => {
    const res = await t.request('POST', '/api/projects/imp/items/import?format=jsonl', {
      token: t.adminToken,
      body: '{"id":1,"text":"a"}\n{"id":2}\n',
    })
    expect(res.status).toBe(422)
    expect(res.body).toEqual({
      error: {
        code: 'invalid_import',
        message: "line 2: item '2' has neither text nor a media url",
        details: [{ path: 'line 2', message: "item '2' has neither text nor a media url" }],
      },
    })
    const format = await t.request('POST', '/api/projects/imp/items/import?format=xlsx', {
      token: t.adminToken,
      body: 'x',
    })
    expect(format.status).toBe(400)
    expect(format.body.error.details[0].path).toBe('format')
  })

  it('answers 413 past maxImportBytes, declared or streamed, and imports nothing', async () => {
    const big = 'id,text\n' + 'x'.repeat(20_000)
    const declared = await t.request('POST', '/api/projects/imp/items/import', {
      token: t.adminToken,
      body: big,
      headers: { 'content-length': String(big.length) },
    })
    expect(declared.status).toBe(413)
    expect(declared.body.error.code).toBe('too_large')

    const bytes = new TextEncoder().encode(big)
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 1000) controller.enqueue(bytes.subarray(i, i + 1000))
        controller.close()
      },
    })
    const res = await t.app.request('/api/projects/imp/items/import', {
      method: 'POST',
      headers: { authorization: `Bearer ${t.adminToken}` },
      body: stream,
      duplex: 'half',
    } as RequestInit)
    expect(res.status).toBe(413)
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe(
      'the file is larger than the limit of 10000 bytes',
    )
    expect(await t.ctx.db.selectFrom('items').selectAll().execute()).toEqual([])
  })
})
