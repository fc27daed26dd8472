// Every response of a real server carries the security headers (README "Security"), the web app
// and the API alike; the session cookie is Secure exactly when the public URL is https.
import { readdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServerProcess, type ServerProcess } from './helpers/server-process'

let server: ServerProcess
let proxied: ServerProcess

beforeAll(async () => {
  ;[server, proxied] = await Promise.all([
    startServerProcess(),
    startServerProcess({ env: { CONCORD_PUBLIC_URL: 'https://concord.example.org' } }),
  ])
}, 60_000)
afterAll(async () => {
  await Promise.all([server?.stop(), proxied?.stop()])
})

function cspDirectives(res: Response): Map<string, string> {
  const csp = res.headers.get('content-security-policy') ?? ''
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => [d.split(' ')[0]!, d.slice(d.indexOf(' ') + 1)] as const),
  )
}

describe('security headers', () => {
  const asset = readdirSync(resolve(import.meta.dirname, '../apps/web/dist/assets')).find((f) =>
    f.endsWith('.js'),
  )
  const paths = [
    '/',
    '/projects/x/annotate',
    `/assets/${asset}`,
    '/api/health',
    '/api/projects',
    '/api/nope',
  ]
  for (const path of paths) {
    it(`on GET ${path}`, async () => {
      const res = await fetch(server.url + path)
      await res.arrayBuffer()
      const csp = cspDirectives(res)
      expect(csp.get('default-src')).toBe("'self'")
      expect(csp.get('script-src')).toBe("'self'")
      expect(csp.get('style-src')).toBe("'self'")
      expect(csp.get('img-src')).toBe("'self'")
      expect(csp.get('object-src')).toBe("'none'")
      expect(csp.get('base-uri')).toBe("'self'")
      expect(csp.get('form-action')).toBe("'self'")
      expect(csp.get('frame-ancestors')).toBe("'none'")
      const host = new URL(server.url).host
      expect(csp.get('connect-src')).toBe(`'self' ws://${host} wss://${host}`)
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(res.headers.get('referrer-policy')).toBe('no-referrer')
      expect(res.headers.get('x-frame-options')).toBe('DENY')
    })
  }

  it('on a refused write, and the sync socket of the public URL is allowed', async () => {
    const res = await fetch(proxied.url + '/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    })
    expect(res.status).toBe(400)
    expect(cspDirectives(res).get('connect-src')).toContain('wss://concord.example.org')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
  })
})

describe('session cookie', () => {
  const login = (url: string) =>
    fetch(url + '/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'admin-password' }),
    })

  it('is Secure when the public URL is https (a TLS proxy in front)', async () => {
    const res = await login(proxied.url)
    expect(res.status).toBe(200)
    const cookie = res.headers.get('set-cookie') ?? ''
    expect(cookie).toContain('concord_session=')
    expect(cookie).toMatch(/;\s*Secure/i)
    expect(cookie).toMatch(/HttpOnly/i)
  })

  it('is not Secure over plain http without a public URL (the browser would drop it)', async () => {
    const res = await login(server.url)
    expect(res.status).toBe(200)
    const cookie = res.headers.get('set-cookie') ?? ''
    expect(cookie).toContain('concord_session=')
    expect(cookie).not.toMatch(/Secure/i)
  })
})
