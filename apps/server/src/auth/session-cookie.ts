import type { CookieOptions } from 'hono/utils/cookie'
import type { ServerOptions } from '../options'

/**
 * The attributes of the session cookie. HttpOnly: no script reads it. SameSite=Lax: other sites
 * do not send it on their requests (pages on another port of the same host do, which the CSRF
 * check stops). Secure whenever people reach Concord over https, which the server only knows
 * from the public URL when a TLS proxy stands in front of it.
 */
export function sessionCookieOptions(
  options: Pick<ServerOptions, 'publicUrl' | 'sessionTtlMs'>,
  requestUrl: string,
): CookieOptions {
  const secure =
    options.publicUrl?.startsWith('https:') === true || new URL(requestUrl).protocol === 'https:'
  return {
    httpOnly: true,
    sameSite: 'Lax',
    path: '/',
    secure,
    maxAge: Math.floor(options.sessionTtlMs / 1000),
  }
}
