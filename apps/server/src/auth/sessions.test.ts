import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createUser } from '../repos/users'
import { createTestContext, type TestContext } from '../testing/test-context'
import { createSession, endSession, hashToken, resolveSession, tokenFromRequest } from './sessions'

describe('tokenFromRequest', () => {
  const url = (q = '') => new URL(`http://x/api/auth/me${q}`)
  const headers = (h: Record<string, string>) => new Headers(h)

  const cases: Array<{ name: string; h: Record<string, string>; q?: string; want?: string }> = [
    { name: 'nothing', h: {}, want: undefined },
    { name: 'bearer', h: { authorization: 'Bearer abc' }, want: 'abc' },
    { name: 'bearer, any case', h: { authorization: 'bearer  abc ' }, want: 'abc' },
    { name: 'cookie', h: { cookie: 'a=1; concord_session=tok; b=2' }, want: 'tok' },
    { name: 'query', h: {}, q: '?token=qq', want: 'qq' },
    {
      name: 'bearer before cookie before query',
      h: { authorization: 'Bearer first', cookie: 'concord_session=second' },
      q: '?token=third',
      want: 'first',
    },
    {
      name: 'cookie before query',
      h: { cookie: 'concord_session=second' },
      q: '?token=third',
      want: 'second',
    },
    { name: 'basic auth is not a session', h: { authorization: 'Basic eDp5' }, want: undefined },
    { name: 'other cookies only', h: { cookie: 'concord_session_x=1' }, want: undefined },
  ]
  for (const { name, h, q, want } of cases) {
    it(name, () => expect(tokenFromRequest(headers(h), url(q))).toBe(want))
  }

  it('accepts any object with get()', () => {
    const plain = { get: (n: string) => (n === 'authorization' ? 'Bearer t' : undefined) }
    expect(tokenFromRequest(plain, url())).toBe('t')
  })
})

describe('sessions', () => {
  let t: TestContext
  beforeEach(async () => {
    t = await createTestContext()
  })
  afterEach(() => t.close())

  it('stores only the hash of the token, resolves it until it expires, ends it', async () => {
    const user = await createUser(t.ctx.db, { username: 'ana', password: 'password-1' }, t.clock)
    const { token } = await createSession(t.ctx.db, user.id, t.clock.now(), 1000)
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const rows = await t.ctx.db.selectFrom('sessions').selectAll().execute()
    expect(rows.map((r) => r.token_hash)).toEqual([hashToken(token)])
    expect(JSON.stringify(rows)).not.toContain(token)

    expect(await resolveSession(t.ctx.db, token, t.clock.now())).toEqual({
      id: user.id,
      username: 'ana',
      displayName: 'ana',
      isAdmin: false,
    })
    expect(await resolveSession(t.ctx.db, undefined, t.clock.now())).toBeUndefined()
    expect(await resolveSession(t.ctx.db, 'nope', t.clock.now())).toBeUndefined()
    expect(await resolveSession(t.ctx.db, token, t.clock.now() + 1000)).toBeUndefined()

    await endSession(t.ctx.db, token)
    expect(await resolveSession(t.ctx.db, token, t.clock.now())).toBeUndefined()
  })
})
