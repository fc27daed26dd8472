/** The request headers that say where a browser request comes from. */
export interface RequestSite {
  /** `Sec-Fetch-Site`, set by the browser (Fetch Metadata; every current browser sends it). */
  readonly secFetchSite: string | undefined
  /** `Origin`, set by the browser on every cross-origin request and on WebSockets. */
  readonly origin: string | undefined
  /** `Host`, the address the browser connected to. */
  readonly host: string | undefined
}

/**
 * Why a request must be refused as coming from another origin, or undefined when it may go on.
 * The rule of Go's net/http CrossOriginProtection (after the Fetch Metadata guidance of web.dev
 * and OWASP): the browser's `Sec-Fetch-Site` decides when present (`same-origin`, or `none` for
 * what the user typed); without it, an `Origin` must name this server, either the host the
 * browser connected to (any scheme, so a TLS proxy that keeps the Host header works) or the
 * public URL. A request with neither header is not from a browser (curl, the CLI, scripts):
 * nobody's cookie is being ridden, so it passes.
 */
export function crossOriginRefusal(
  site: RequestSite,
  publicUrl: string | undefined,
): string | undefined {
  const fix =
    'Concord accepts changes only from its own pages; behind a proxy, set --public-url (CONCORD_PUBLIC_URL) to the address people open'
  if (site.secFetchSite !== undefined) {
    if (site.secFetchSite === 'same-origin' || site.secFetchSite === 'none') return undefined
    return `cross-origin request refused: the browser says it comes from another site (Sec-Fetch-Site: ${site.secFetchSite.slice(0, 20)}). ${fix}`
  }
  if (site.origin === undefined) return undefined
  if (publicUrl !== undefined && site.origin === publicUrl) return undefined
  if (site.host !== undefined && hostOf(site.origin) === site.host.toLowerCase()) return undefined
  return `cross-origin request refused: Origin '${site.origin.slice(0, 100)}' is not this server. ${fix}`
}

/** The host[:port] of an origin as browsers send it, or undefined for `null` and garbage. */
function hostOf(origin: string): string | undefined {
  try {
    const url = new URL(origin)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.host : undefined
  } catch {
    return undefined
  }
}
