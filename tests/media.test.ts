import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import SQLite from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Api } from './helpers/api'
import { RED_PNG } from './helpers/images'
import { startServerProcess, type ServerProcess } from './helpers/server-process'

/** A PNG-looking file outside the media directory that no route may hand out. */
const SECRET = Buffer.concat([RED_PNG, Buffer.from('top secret')])

let server: ServerProcess
let ann: Api
let outsider: Api
const ids = new Map<string, string>()

const media = (item: string, project = 'pics') => `/api/projects/${project}/items/${item}/media`

async function get(
  path: string,
  token?: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
  })
}

describe('GET /api/projects/:id/items/:itemId/media', () => {
  beforeAll(async () => {
    server = await startServerProcess()
    const dir = join(server.dataDir, 'media')
    mkdirSync(join(dir, 'pics'), { recursive: true })
    writeFileSync(join(dir, 'pics', 'red.png'), RED_PNG)
    // A page under an image's name must not be served as a page.
    writeFileSync(join(dir, 'page.png'), '<!doctype html><script>alert(1)</script>')
    writeFileSync(join(server.dataDir, 'secret.png'), SECRET)
    symlinkSync(join(server.dataDir, 'secret.png'), join(dir, 'link.png'))
    symlinkSync(server.dataDir, join(dir, 'up'))

    const admin = await Api.login(server.url, 'admin', 'admin-password')
    await admin.createProject({ id: 'pics', name: 'Pictures', labels: ['a', 'b'] })
    await admin.createProject({ id: 'other', name: 'Other', labels: ['a', 'b'] })
    await admin.importItemsCsv(
      'pics',
      [
        'id,image',
        'red,pics/red.png',
        'page,page.png',
        'link,link.png',
        'up,up/secret.png',
        'missing,nope.png',
      ].join('\n'),
    )
    // Paths the import refuses, as items stored before it did (or by another tool) may hold.
    const db = new SQLite(join(server.dataDir, 'concord.db'))
    try {
      const insert = db.prepare(
        `insert into items (project_id, external_id, text, media_url, metadata, created_at)
         values ('pics', ?, null, ?, '{}', 0)`,
      )
      for (const [id, url] of [
        ['dotdot', '../secret.png'],
        ['absolute', join(server.dataDir, 'secret.png')],
        ['encoded', 'pics%2f..%2f..%2fsecret.png'],
        ['nul', 'pics/red.png\0.txt'],
        ['remote', 'https://tracker.example/pixel.png'],
      ]) {
        insert.run(id, url)
      }
    } finally {
      db.close()
    }
    for (const item of await admin.items('pics')) ids.set(item.externalId, String(item.id))

    const a = await admin.createUser('ann')
    await admin.addMember('pics', a.id, 'annotator')
    ann = a.api
    const o = await admin.createUser('outsider')
    await admin.addMember('other', o.id, 'admin')
    outsider = o.api
  })

  afterAll(async () => {
    await server?.stop()
  })

  it('serves a member the bytes as image/png, with caching headers', async () => {
    const res = await get(media(ids.get('red')!), ann.token)
    expect(res.status).toBe(200)
    expect(Buffer.from(await res.arrayBuffer())).toEqual(RED_PNG)
    expect(res.headers.get('content-type')).toBe('image/png')
    expect(res.headers.get('content-length')).toBe(String(RED_PNG.length))
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('cache-control')).toMatch(/^private, max-age=\d+$/)
    expect(res.headers.get('content-disposition')).toBeNull()
    const etag = res.headers.get('etag')!
    const lastModified = res.headers.get('last-modified')!
    expect(etag).toMatch(/^W\/"[0-9a-f]+-[0-9a-f]+"$/)
    expect(Date.parse(lastModified)).toBeGreaterThan(0)

    const byTag = await get(media(ids.get('red')!), ann.token, { 'if-none-match': etag })
    expect(byTag.status).toBe(304)
    expect(await byTag.text()).toBe('')
    const byDate = await get(media(ids.get('red')!), ann.token, {
      'if-modified-since': lastModified,
    })
    expect(byDate.status).toBe(304)
    const changed = await get(media(ids.get('red')!), ann.token, { 'if-none-match': 'W/"0-0"' })
    expect(changed.status).toBe(200)
    expect(Buffer.from(await changed.arrayBuffer())).toEqual(RED_PNG)
  })

  it('answers HEAD with the headers only', async () => {
    const res = await fetch(`${server.url}${media(ids.get('red')!)}`, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${ann.token}` },
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/png')
    expect(res.headers.get('content-length')).toBe(String(RED_PNG.length))
    expect(await res.text()).toBe('')
  })

  it('answers 401 without a session and 404 to a member of another project', async () => {
    const anonymous = await get(media(ids.get('red')!))
    expect(anonymous.status).toBe(401)
    const notMember = await get(media(ids.get('red')!), outsider.token)
    expect(notMember.status).toBe(404)
    // requireProject's answer: the project is not there for a non-member.
    expect(await notMember.json()).toMatchObject({
      error: { code: 'not_found', message: "no project 'pics'" },
    })
    // Through a project the outsider is in, the item is not found either.
    const viaOwnProject = await get(media(ids.get('red')!, 'other'), outsider.token)
    expect(viaOwnProject.status).toBe(404)
  })

  it('sends a file that is not an image as a download, never as a page', async () => {
    const res = await get(media(ids.get('page')!), ann.token)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/octet-stream')
    expect(res.headers.get('content-disposition')).toBe('attachment')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
  })

  it.each(['dotdot', 'absolute', 'encoded', 'nul', 'link', 'up', 'missing', 'remote'])(
    'refuses the %s path with 404 and hands out nothing of the file',
    async (name) => {
      const res = await get(media(ids.get(name)!), ann.token)
      expect(res.status).toBe(404)
      const body = await res.text()
      expect(body).not.toContain('top secret')
      expect(body).not.toContain(server.dataDir)
      // The route's own refusal (not "no route"): it names no path of the server.
      expect(JSON.parse(body)).toMatchObject({
        error: {
          code: 'not_found',
          message: expect.stringMatching(/has no media file Concord can serve|on another server/),
        },
      })
    },
  )
})
