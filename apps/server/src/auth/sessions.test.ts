import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createUser } from '../repos/users'
import { createTestContext, type TestContext } from '../testing/test-context'
import {
  createSession,
  endSession,
  hashToken,
  resolveSession,
  socketCredential,
  tokenFromRequest,
} from './sessions'

describe('socketCredential (WebSocket) and tokenFromRequest (REST)', () => {
  const url = (q = '') => new URL(`http://x/sync/room${q}`)
  const headers = (h: Record<string, string>) => new Headers(h)

  const cases: Array<{
    name: string
    h: Record<string, string>
    q?: string
    socket?: { token: string; via: string }
    rest?: string
  }> = [
    { name: 'nothing', h: {} },
    {
      name: 'bearer',
      h: { authorization: 'Bearer abc' },
      socket: { token: 'abc', via: 'bearer' },
      rest: 'abc',
    },
    {
      name: 'bearer, any case',
      h: { authorization: 'bearer  abc ' },
      socket: { token: 'abc', via: 'bearer' },
      rest: 'abc',
    },
    {
      name: 'cookie',
      h: { cookie: 'a=1; concord_session=tok; b=2' },
      socket: { token: 'tok', via: 'cookie' },
      rest: 'tok',
    },
    // A token in the URL is for the WebSocket only: REST never reads it.
    { name: 'query', h: {}, q: '?token=qq', socket: { token: 'qq', via: 'query' } },
    {
      name: 'bearer before cookie before query',
      h: { authorization: 'Bearer first', cookie: 'concord_session=second' },
      q: '?token=third',
      socket: { token: 'first', via: 'bearer' },
      rest: 'first',
    },
    {
      name: 'cookie before query',
      h: { cookie: 'concord_session=second' },
      q: '?token=third',
      socket: { token: 'second', via: 'cookie' },
      rest: 'second',
    },
    { name: 'basic auth is not a session', h: { authorization: 'Basic eDp5' } },
    { name: 'other cookies only', h: { cookie: 'concord_session_x=1' } },
  ]
  for (const { name, h, q, socket, rest } of cases) {
    it(name, () => {
      expect(socketCredential(headers(h), url(q))).toEqual(socket)
      expect(tokenFromRequest(headers(h))).toBe(rest)
    })
  }

  it('accepts any object with get()', () => {
    const plain = { get: (n: string) => (n === 'authorization' ? 'Bearer t' : undefined) }
    expect(tokenFromRequest(plain)).toBe('t')
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
