import { ConcordError } from '@concord/core'
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from './app-env'

/**
 * 401 for a REST request with `?token=`: a session token in a URL ends up in access logs,
 * browser history and Referer headers. Only the WebSocket endpoint (/sync) reads it, because a
 * browser cannot set headers on a WebSocket; REST clients send a header or the cookie.
 */
export const refuseUrlToken: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (new URL(c.req.url).searchParams.has('token')) {
    throw new ConcordError(
      'unauthenticated',
      'a session token in the URL is accepted only by the WebSocket endpoint /sync; send it as Authorization: Bearer <token>, or sign in for the session cookie',
    )
  }
  await next()
}
