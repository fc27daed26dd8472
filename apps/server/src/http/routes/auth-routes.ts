import { ConcordError } from '@concord/core'
import { Hono } from 'hono'
import { deleteCookie, setCookie } from 'hono/cookie'
import { z } from 'zod'
import { dummyPasswordHash, verifyPassword } from '../../auth/passwords'
import {
  createSession,
  endSession,
  SESSION_COOKIE,
  tokenFromRequest,
  type AuthUser,
} from '../../auth/sessions'
import type { ServerContext } from '../../context'
import { findUserByUsername } from '../../repos/users'
import type { AppEnv } from '../app-env'
import { readJson } from '../read-input'
import { requireUser } from '../require-user'

const loginSchema = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(1024),
})

/** /api/auth: login (token in the body and an HttpOnly cookie), logout, who am I. */
export function authRoutes(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>()

  app.post('/login', async (c) => {
    const { username, password } = await readJson(c, loginSchema)
    const found = await findUserByUsername(ctx.db, username)
    // Unknown usernames cost a full hash too, so timing does not reveal which names exist.
    const ok = await verifyPassword(password, found?.passwordHash ?? (await dummyPasswordHash()))
    if (!found || !ok) throw new ConcordError('unauthenticated', 'wrong username or password')
    const now = ctx.clock.now()
    const { token, expiresAt } = await createSession(
      ctx.db,
      found.id,
      now,
      ctx.options.sessionTtlMs,
    )
    setCookie(c, SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'Lax',
      path: '/',
      secure: new URL(c.req.url).protocol === 'https:',
      maxAge: Math.floor(ctx.options.sessionTtlMs / 1000),
    })
    const user: AuthUser = {
      id: found.id,
      username: found.username,
      displayName: found.displayName,
      isAdmin: found.isAdmin,
    }
    return c.json({ token, user, expiresAt })
  })

  app.post('/logout', async (c) => {
    const token = tokenFromRequest(c.req.raw.headers, new URL(c.req.url))
    if (token !== undefined) await endSession(ctx.db, token)
    deleteCookie(c, SESSION_COOKIE, { path: '/' })
    return c.body(null, 204)
  })

  app.get('/me', requireUser(ctx), (c) => c.json({ user: c.var.user }))

  return app
}
