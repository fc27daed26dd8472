import { ConcordError } from '@concord/core'
import type { MiddlewareHandler } from 'hono'
import { resolveSession, tokenFromRequest } from '../auth/sessions'
import type { ServerContext } from '../context'
import type { AppEnv } from './app-env'

/** 401 unless the request carries a live session; sets `c.var.user`. */
export function requireUser(ctx: ServerContext): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = tokenFromRequest(c.req.raw.headers)
    const user = await resolveSession(ctx.db, token, ctx.clock.now())
    if (!user) {
      throw new ConcordError(
        'unauthenticated',
        token === undefined
          ? 'sign in first: send a session token (cookie or Authorization: Bearer)'
          : 'the session is invalid or has expired; sign in again',
      )
    }
    c.set('user', user)
    await next()
  }
}

/** 403 unless the signed-in user is a global admin. */
export const requireAdmin: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!c.var.user.isAdmin) throw new ConcordError('forbidden', 'only an administrator may do this')
  await next()
}
