import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../testing/test-app'

const labels = (...ids: string[]) => ids.map((id) => ({ id, name: id }))

describe('createHttpApp: the edge', () => {
  let t: TestApp
  beforeEach(async () => {
    t = await createTestApp({ options: { maxBodyBytes: 2048 } })
  })
  afterEach(() => t.close())

  it('answers health without a session', async () => {
    const res = await t.request('GET', '/api/health')
    expect(res).toMatchObject({ status: 200, body: { ok: true } })
  })

  it('answers unknown routes with a JSON 404', async () => {
    const res = await t.request('GET', '/api/nope', { token: t.adminToken })
    expect(res.status).toBe(404)
    expect(res.body).toEqual({
      error: { code: 'not_found', message: 'no route GET /api/nope', details: [] },
    })
  })

  it('refuses an oversize body with a JSON 413, before reading it all', async () => {
    const res = await t.request('POST', '/api/projects', {
      token: t.adminToken,
      body: JSON.stringify({ name: 'x'.repeat(4000) }),
      headers: { 'content-type': 'application/json' },
    })
    expect(res.status).toBe(413)
    expect(res.body.error.code).toBe('too_large')
    expect(res.body.error.message).toContain('2048 bytes')
  })

  it('refuses malformed JSON with a JSON 400', async () => {
    const res = await t.request('POST', '/api/projects', {
      token: t.adminToken,
      body: '{"name": "x",',
      headers: { 'content-type': 'application/json' },
    })
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('bad_request')
    expect(res.body.error.message).toMatch(/^the body is not valid JSON/)
  })

  it('reports validation errors with the path of each problem', async () => {
    const res = await t.request('POST', '/api/projects', {
      token: t.adminToken,
      body: {
        name: 'P',
        overlap: 0,
        labelSchema: { kind: 'single', labels: [...labels('a', 'a'), { id: 'bad id', name: 'x' }] },
      },
    })
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('bad_request')
    const paths = res.body.error.details.map((d: { path: string }) => d.path)
    expect(paths).toEqual(
      expect.arrayContaining(['overlap', 'labelSchema.labels.1.id', 'labelSchema.labels.2.id']),
    )
    const dup = res.body.error.details.find(
      (d: { path: string }) => d.path === 'labelSchema.labels.1.id',
    )
    expect(dup.message).toBe("duplicate label id 'a'")
  })

  it('hides internal errors behind a 500 and logs them', async () => {
    await t.database.sqlite.exec('drop table assignments')
    const p = await t.project()
    const res = await t.request('GET', `/api/projects/${p.id}/queue`, { token: t.adminToken })
    expect(res.status).toBe(500)
    expect(res.body.error.code).toBe('internal')
    expect(res.body.error.message).not.toContain('assignments')
    expect(t.log.lines.some((l) => l.startsWith('ERROR request failed'))).toBe(true)
  })
})
