import { describe, expect, it } from 'vitest'
import { crossOriginRefusal, type RequestSite } from './cross-origin-refusal'

describe('crossOriginRefusal', () => {
  const HOST = '127.0.0.1:8080'
  const cases: Array<{
    name: string
    site: Partial<RequestSite>
    publicUrl?: string
    refused?: RegExp
  }> = [
    { name: 'curl, the CLI, scripts: no browser headers', site: { host: HOST } },
    { name: 'Sec-Fetch-Site same-origin', site: { secFetchSite: 'same-origin', host: HOST } },
    { name: 'Sec-Fetch-Site none (typed by the user)', site: { secFetchSite: 'none' } },
    {
      name: 'Sec-Fetch-Site same-site: another port of the same host',
      site: { secFetchSite: 'same-site', origin: 'http://127.0.0.1:9999', host: HOST },
      refused: /another site \(Sec-Fetch-Site: same-site\)/,
    },
    {
      name: 'Sec-Fetch-Site cross-site',
      site: { secFetchSite: 'cross-site', origin: 'https://evil.example', host: HOST },
      refused: /Sec-Fetch-Site: cross-site/,
    },
    {
      name: 'Sec-Fetch-Site decides over a matching Origin',
      site: { secFetchSite: 'same-site', origin: `http://${HOST}`, host: HOST },
      refused: /Sec-Fetch-Site/,
    },
    { name: 'Origin of this host', site: { origin: `http://${HOST}`, host: HOST } },
    {
      name: 'Origin of this host over https (a TLS proxy keeping Host)',
      site: { origin: 'https://concord.example.org', host: 'Concord.Example.org' },
    },
    {
      name: 'Origin on another port',
      site: { origin: 'http://127.0.0.1:9999', host: HOST },
      refused: /Origin 'http:\/\/127.0.0.1:9999' is not this server.*--public-url/,
    },
    {
      name: 'Origin of the public URL (a proxy rewriting Host)',
      site: { origin: 'https://concord.example.org', host: HOST },
      publicUrl: 'https://concord.example.org',
    },
    {
      name: 'Origin not the public URL',
      site: { origin: 'https://other.example.org', host: HOST },
      publicUrl: 'https://concord.example.org',
      refused: /is not this server/,
    },
    {
      name: 'opaque Origin (sandboxed frame, data: URL)',
      site: { origin: 'null', host: HOST },
      refused: /Origin 'null'/,
    },
    { name: 'Origin without Host', site: { origin: `http://${HOST}` }, refused: /not this server/ },
  ]
  for (const c of cases) {
    it(c.name, () => {
      const site: RequestSite = {
        secFetchSite: c.site.secFetchSite,
        origin: c.site.origin,
        host: c.site.host,
      }
      const reason = crossOriginRefusal(site, c.publicUrl)
      if (c.refused) expect(reason).toMatch(c.refused)
      else expect(reason).toBeUndefined()
    })
  }
})
