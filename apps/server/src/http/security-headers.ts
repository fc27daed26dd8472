/**
 * The headers every response carries, API and web app alike.
 *
 * The Content-Security-Policy lets the page run and style only Concord's own files (the built
 * app has no inline script or style), load images only from Concord (item images come from its
 * media route; a third-party image is a tracking pixel) and the origins the administrator named
 * for remote media, talk only to its own API and sync
 * socket, and never be framed (clickjacking). `connect-src` names the socket's ws(s) origin as
 * well as 'self', for browsers that do not yet count ws: as 'self'. `nosniff` stops a JSON or
 * CSV answer from being run as script; `no-referrer` keeps item and project URLs out of other
 * sites' logs; CORP keeps other origins from embedding the API's answers (media included).
 */
export function securityHeaders(
  /** host[:port] of the request URL (the Node adapter refuses a Host that does not parse). */
  host: string,
  publicUrl: string | undefined,
  remoteMediaOrigins: readonly string[] = [],
): Record<string, string> {
  const sockets = new Set([`ws://${host}`, `wss://${host}`])
  if (publicUrl !== undefined) sockets.add(publicUrl.replace(/^http/, 'ws'))
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src ${["'self'", ...remoteMediaOrigins].join(' ')}`,
    "font-src 'self'",
    `connect-src ${["'self'", ...sockets].join(' ')}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ')
  return {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-resource-policy': 'same-origin',
    'cross-origin-opener-policy': 'same-origin',
  }
}

/** Sets securityHeaders on a response Concord made (its headers are mutable). */
export function withSecurityHeaders(
  res: Response,
  host: string,
  publicUrl: string | undefined,
  remoteMediaOrigins: readonly string[] = [],
): Response {
  for (const [name, value] of Object.entries(
    securityHeaders(host, publicUrl, remoteMediaOrigins),
  )) {
    res.headers.set(name, value)
  }
  return res
}
