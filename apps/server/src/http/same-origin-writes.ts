import { ConcordError } from '@concord/core'
import type { MiddlewareHandler } from 'hono'
import { crossOriginRefusal } from '../auth/cross-origin-refusal'
import type { ServerOptions } from '../options'
import type { AppEnv } from './app-env'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * CSRF protection: a request that may change something (any method but GET, HEAD, OPTIONS) is
 * refused with 403 when a browser says it comes from another origin (see crossOriginRefusal).
 * SameSite=Lax alone does not do this: a page on another port of the same host is the same
 * site, and its form posts carry the session cookie. Safe methods change nothing, by contract.
 */
export function sameOriginWrites(
  options: Pick<ServerOptions, 'publicUrl'>,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!SAFE_METHODS.has(c.req.method)) {
      const headers = c.req.raw.headers
      const reason = crossOriginRefusal(
        {
          secFetchSite: headers.get('sec-fetch-site') ?? undefined,
          origin: headers.get('origin') ?? undefined,
          host: headers.get('host') ?? new URL(c.req.url).host,
        },
        options.publicUrl,
      )
      if (reason !== undefined) throw new ConcordError('forbidden', reason)
    }
    await next()
  }
}
