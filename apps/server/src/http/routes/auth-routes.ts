import { addressKey, ConcordError } from '@concord/core'
import { Hono } from 'hono'
import { deleteCookie, setCookie } from 'hono/cookie'
import { z } from 'zod'
import { LoginGuard } from '../../auth/login-guard'
import { dummyPasswordHash, verifyPassword } from '../../auth/passwords'
import { sessionCookieOptions } from '../../auth/session-cookie'
import {
  createSession,
  endSession,
  hashToken,
  SESSION_COOKIE,
  tokenFromRequest,
  type AuthUser,
} from '../../auth/sessions'
import type { ServerContext } from '../../context'
import { deleteUserSessions } from '../../repos/sessions'
import { findUserByUsername, newPasswordSchema, setUserPassword } from '../../repos/users'
import type { AppEnv } from '../app-env'
import { clientAddress } from '../client-address'
import { readJson } from '../read-input'
import { requireUser } from '../require-user'

const loginSchema = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(1024),
})

const passwordChangeSchema = z.strictObject({
  currentPassword: z.string().min(1).max(1024),
  newPassword: newPasswordSchema,
})

/**
 * /api/auth: login (token in the body and an HttpOnly cookie), logout, who am I, change my
 * password. Logins and password changes are throttled per account and per client address.
 */
export function authRoutes(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  const guard = new LoginGuard(ctx.options.loginThrottle)

  app.post('/login', async (c) => {
    const { username, password } = await readJson(c, loginSchema)
    // Before any lookup: a throttled attempt is refused alike for known and unknown usernames.
    const attempt = guard.begin(username, addressKey(clientAddress(c)), ctx.clock.now())
    const found = await findUserByUsername(ctx.db, username)
    // Unknown usernames cost a full hash too, so timing does not reveal which names exist.
    const ok = await verifyPassword(password, found?.passwordHash ?? (await dummyPasswordHash()))
    if (!found || !ok) throw new ConcordError('unauthenticated', 'wrong username or password')
    // Only someone who knows the password learns that the account is disabled.
    if (found.disabledAt !== null) {
      throw new ConcordError(
        'forbidden',
        'this account is disabled; ask an administrator to enable it',
      )
    }
    attempt.succeeded()
    const now = ctx.clock.now()
    const { token, expiresAt } = await createSession(
      ctx.db,
      found.id,
      now,
      ctx.options.sessionTtlMs,
    )
    setCookie(c, SESSION_COOKIE, token, sessionCookieOptions(ctx.options, c.req.url))
    const user: AuthUser = {
      id: found.id,
      username: found.username,
      displayName: found.displayName,
      isAdmin: found.isAdmin,
    }
    return c.json({ token, user, expiresAt })
  })

  app.post('/logout', async (c) => {
    const token = tokenFromRequest(c.req.raw.headers)
    if (token !== undefined) await endSession(ctx.db, token)
    const { path, secure } = sessionCookieOptions(ctx.options, c.req.url)
    deleteCookie(c, SESSION_COOKIE, { path, secure })
    return c.body(null, 204)
  })

  app.get('/me', requireUser(ctx), (c) => c.json({ user: c.var.user }))

  // Changing my password ends my other sessions (and closes their sockets): whoever else had
  // the old one is signed out. The session this request came with stays.
  app.post('/password', requireUser(ctx), async (c) => {
    const { currentPassword, newPassword } = await readJson(c, passwordChangeSchema)
    const me = c.var.user
    const attempt = guard.begin(me.username, addressKey(clientAddress(c)), ctx.clock.now())
    const found = await findUserByUsername(ctx.db, me.username)
    const ok = found !== undefined && (await verifyPassword(currentPassword, found.passwordHash))
    if (!ok) {
      throw new ConcordError('forbidden', 'the current password is wrong', [
        { path: 'currentPassword', message: 'the current password is wrong' },
      ])
    }
    attempt.succeeded()
    if (newPassword === currentPassword) {
      throw new ConcordError('bad_request', 'the new password is the same as the current one', [
        { path: 'newPassword', message: 'choose a password other than the current one' },
      ])
    }
    await setUserPassword(ctx.db, me.id, newPassword)
    const token = tokenFromRequest(c.req.raw.headers)
    await deleteUserSessions(ctx.db, me.id, token === undefined ? undefined : hashToken(token))
    ctx.connections?.closeUser(me.id)
    return c.body(null, 204)
  })

  return app
}
