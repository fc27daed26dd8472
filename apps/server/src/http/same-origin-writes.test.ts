import { afterEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../testing/test-app'

// The CSRF rules at the HTTP edge (README "Security"): a cookie-authenticated change from another
// origin's page is refused, whatever the route; non-browser clients and Concord's own pages pass.
describe('same-origin writes (CSRF)', () => {
  let t: TestApp
  afterEach(() => t.close())

  const newAdmin = {
    username: 'mallory',
    displayName: 'M',
    password: 'x7-horse-battery-staple',
    isAdmin: true,
  }
  const cookie = () => ({ cookie: `concord_session=${t.adminToken}` })
  const usernames = async () =>
    (await t.ctx.db.selectFrom('users').select('username').execute()).map((u) => u.username)

  const allowed: Array<{ name: string; headers: () => Record<string, string> }> = [
    {
      name: 'the cookie from our own page (Sec-Fetch-Site)',
      headers: () => ({ ...cookie(), 'sec-fetch-site': 'same-origin' }),
    },
    {
      name: 'the cookie, Origin of this host',
      headers: () => ({ ...cookie(), origin: 'http://localhost' }),
    },
    {
      name: 'a bearer token with no browser headers (curl, CLI)',
      headers: () => ({ authorization: `Bearer ${t.adminToken}` }),
    },
  ]
  for (const c of allowed) {
    it(`accepts ${c.name}`, async () => {
      t = await createTestApp()
      const res = await t.request('POST', '/api/users', { body: newAdmin, headers: c.headers() })
      expect(res.status).toBe(201)
      expect(await usernames()).toContain('mallory')
    })
  }

  const refused: Array<{ name: string; headers: () => Record<string, string>; message: RegExp }> = [
    {
      name: 'a page on another port (Sec-Fetch-Site: same-site)',
      headers: () => ({
        ...cookie(),
        'sec-fetch-site': 'same-site',
        origin: 'http://localhost:9999',
      }),
      message: /^cross-origin request refused: .*Sec-Fetch-Site: same-site/,
    },
    {
      name: 'another site (Sec-Fetch-Site: cross-site)',
      headers: () => ({
        ...cookie(),
        'sec-fetch-site': 'cross-site',
        origin: 'https://evil.example',
      }),
      message: /Sec-Fetch-Site: cross-site/,
    },
    {
      name: 'a foreign Origin from a browser without Fetch Metadata',
      headers: () => ({ ...cookie(), origin: 'http://localhost:9999' }),
      message: /Origin 'http:\/\/localhost:9999' is not this server.*CONCORD_PUBLIC_URL/,
    },
  ]
  for (const c of refused) {
    it(`refuses ${c.name} with 403 and changes nothing`, async () => {
      t = await createTestApp()
      const res = await t.request('POST', '/api/users', { body: newAdmin, headers: c.headers() })
      expect(res.status).toBe(403)
      expect(res.body.error.code).toBe('forbidden')
      expect(res.body.error.message).toMatch(c.message)
      expect(await usernames()).not.toContain('mallory')
    })
  }

  it('refuses a cross-origin login (login CSRF) and every other unsafe method', async () => {
    t = await createTestApp()
    const foreign = { 'sec-fetch-site': 'same-site' }
    const login = await t.request('POST', '/api/auth/login', {
      body: { username: 'admin', password: 'admin-password' },
      headers: foreign,
    })
    expect(login.status).toBe(403)
    expect(login.headers.get('set-cookie')).toBeNull()
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      const res = await t.request(method, '/api/projects/p', {
        headers: { ...cookie(), ...foreign },
      })
      expect(res.status, method).toBe(403)
    }
    // Reading is not a change: a cross-origin GET goes on (the browser does not let the page
    // read the answer: Concord sends no CORS headers).
    const read = await t.request('GET', '/api/auth/me', { headers: { ...cookie(), ...foreign } })
    expect(read.status).toBe(200)
  })

  it('accepts the public URL as the origin behind a proxy that rewrites Host', async () => {
    t = await createTestApp({ options: { publicUrl: 'https://concord.example.org' } })
    const ok = await t.request('POST', '/api/users', {
      body: newAdmin,
      headers: { ...cookie(), origin: 'https://concord.example.org' },
    })
    expect(ok.status).toBe(201)
  })

  it('refuses a JSON body sent as text/plain (a form or no-cors fetch can send that) with 415', async () => {
    t = await createTestApp()
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', undefined]) {
      const res = await t.request('POST', '/api/users', {
        body: JSON.stringify(newAdmin),
        headers: {
          authorization: `Bearer ${t.adminToken}`,
          ...(type === undefined ? {} : { 'content-type': type }),
        },
      })
      expect(res.status, type).toBe(415)
      expect(res.body.error.code).toBe('unsupported_media_type')
      expect(res.body.error.message).toMatch(
        /^send the JSON body with Content-Type: application\/json/,
      )
    }
    expect(await usernames()).not.toContain('mallory')
    const withCharset = await t.request('POST', '/api/users', {
      body: JSON.stringify(newAdmin),
      headers: {
        authorization: `Bearer ${t.adminToken}`,
        'content-type': 'application/json; charset=utf-8',
      },
    })
    expect(withCharset.status).toBe(201)
  })

  it('refuses a session token in a REST URL with 401, even with a valid one', async () => {
    t = await createTestApp()
    for (const method of ['GET', 'POST']) {
      const res = await t.request(method, `/api/auth/me?token=${t.adminToken}`)
      expect(res.status, method).toBe(401)
      expect(res.body.error.message).toMatch(/accepted only by the WebSocket endpoint \/sync/)
    }
  })
})
