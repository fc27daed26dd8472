import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../testing/test-app'

describe('/api/auth', () => {
  let t: TestApp
  beforeEach(async () => {
    t = await createTestApp()
  })
  afterEach(() => t.close())

  const login = (username: string, password: string) =>
    t.request('POST', '/api/auth/login', { body: { username, password } })

  it('logs in: a token in the body and an HttpOnly SameSite=Lax cookie', async () => {
    const res = await login('admin', 'admin-password')
    expect(res.status).toBe(200)
    expect(res.body.token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(res.body.user).toEqual({
      id: t.admin.id,
      username: 'admin',
      displayName: 'admin',
      isAdmin: true,
    })
    const cookie = res.headers.get('set-cookie') ?? ''
    expect(cookie).toContain(`concord_session=${res.body.token}`)
    expect(cookie).toMatch(/HttpOnly/i)
    expect(cookie).toMatch(/SameSite=Lax/i)
    expect(cookie).toMatch(/Path=\//)
  })

  it('refuses a wrong password or an unknown user with the same 401', async () => {
    for (const res of [await login('admin', 'wrong-password'), await login('nobody', 'x')]) {
      expect(res.status).toBe(401)
      expect(res.body.error).toEqual({
        code: 'unauthenticated',
        message: 'wrong username or password',
        details: [],
      })
    }
  })

  it('401 without a token and with a wrong token', async () => {
    const none = await t.request('GET', '/api/auth/me')
    expect(none.status).toBe(401)
    expect(none.body.error.code).toBe('unauthenticated')
    const wrong = await t.request('GET', '/api/auth/me', { token: 'not-a-session' })
    expect(wrong.status).toBe(401)
    expect(wrong.body.error.message).toMatch(/invalid or has expired/)
  })

  it('accepts the token as a bearer header and as the cookie', async () => {
    const { body } = await login('admin', 'admin-password')
    const bearer = await t.request('GET', '/api/auth/me', { token: body.token })
    expect(bearer.body.user.id).toBe(t.admin.id)
    const cookie = await t.request('GET', '/api/auth/me', {
      headers: { cookie: `concord_session=${body.token}` },
    })
    expect(cookie.status).toBe(200)
    expect(cookie.body.user.id).toBe(t.admin.id)
  })

  it('logout ends the session and clears the cookie', async () => {
    const { body } = await login('admin', 'admin-password')
    const out = await t.request('POST', '/api/auth/logout', { token: body.token })
    expect(out.status).toBe(204)
    expect(out.headers.get('set-cookie')).toMatch(/concord_session=;.*Max-Age=0/i)
    expect((await t.request('GET', '/api/auth/me', { token: body.token })).status).toBe(401)
    // Other sessions of the same user live on.
    expect((await t.request('GET', '/api/auth/me', { token: t.adminToken })).status).toBe(200)
  })

  it('throttles by the socket address, never by X-Forwarded-For', async () => {
    const from = (address: string, username: string, password: string) =>
      t.app.request(
        '/api/auth/login',
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username, password }),
        },
        // What @hono/node-server passes: the Node request, whose socket has the peer's address.
        { incoming: { socket: { remoteAddress: address } } },
      )
    for (let i = 0; i < 20; i++) {
      expect((await from('10.0.0.1', `nobody${i}`, 'wrong password')).status).toBe(401)
    }
    const blocked = await from('10.0.0.1', 'admin', 'admin-password')
    expect(blocked.status).toBe(429)
    expect(blocked.headers.get('retry-after')).toBe('1')
    // X-Forwarded-For is not trusted: it changes nothing.
    const forwarded = await t.app.request(
      '/api/auth/login',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '10.9.9.9' },
        body: JSON.stringify({ username: 'admin', password: 'admin-password' }),
      },
      { incoming: { socket: { remoteAddress: '10.0.0.1' } } },
    )
    expect(forwarded.status).toBe(429)
    expect((await from('10.0.0.2', 'admin', 'admin-password')).status).toBe(200)
    // The IPv4-mapped form of the same address is the same address.
    expect((await from('::ffff:10.0.0.1', 'admin', 'admin-password')).status).toBe(429)
  })

  it('sessions expire after sessionTtlMs', async () => {
    const { body } = await login('admin', 'admin-password')
    t.clock.advance(t.ctx.options.sessionTtlMs - 1)
    expect((await t.request('GET', '/api/auth/me', { token: body.token })).status).toBe(200)
    t.clock.advance(1)
    expect((await t.request('GET', '/api/auth/me', { token: body.token })).status).toBe(401)
  })
})
