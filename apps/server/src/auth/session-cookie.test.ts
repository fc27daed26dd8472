import { describe, expect, it } from 'vitest'
import { sessionCookieOptions } from './session-cookie'

describe('sessionCookieOptions', () => {
  const cases: Array<{ publicUrl?: string; request: string; secure: boolean }> = [
    { request: 'http://127.0.0.1:8080/api/auth/login', secure: false },
    // Behind a TLS proxy the server sees http; the public URL says what the browser sees.
    {
      publicUrl: 'https://concord.example.org',
      request: 'http://127.0.0.1:8080/api/auth/login',
      secure: true,
    },
    {
      publicUrl: 'http://10.0.0.5:8080',
      request: 'http://10.0.0.5:8080/api/auth/login',
      secure: false,
    },
    { request: 'https://concord.example.org/api/auth/login', secure: true },
  ]
  for (const c of cases) {
    it(`${c.publicUrl ?? 'no public URL'}, request ${c.request}`, () => {
      const options = { publicUrl: c.publicUrl, sessionTtlMs: 3_600_000 }
      expect(sessionCookieOptions(options, c.request)).toEqual({
        httpOnly: true,
        sameSite: 'Lax',
        path: '/',
        secure: c.secure,
        maxAge: 3600,
      })
    })
  }
})
