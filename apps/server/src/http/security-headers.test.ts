import { describe, expect, it } from 'vitest'
import { securityHeaders } from './security-headers'

function directive(csp: string, name: string): string | undefined {
  return csp
    .split(';')
    .map((d) => d.trim())
    .find((d) => d.startsWith(`${name} `))
}

describe('securityHeaders', () => {
  const cases: Array<{ origins?: string[]; img: string }> = [
    { img: "img-src 'self'" },
    { origins: [], img: "img-src 'self'" },
    {
      origins: ['https://images.example.org', 'http://b.example:8080'],
      img: "img-src 'self' https://images.example.org http://b.example:8080",
    },
  ]
  for (const c of cases) {
    it(`img-src with ${c.origins?.length ?? 'no'} remote media origins`, () => {
      const csp = securityHeaders('127.0.0.1:8080', undefined, c.origins)[
        'content-security-policy'
      ]!
      expect(directive(csp, 'img-src')).toBe(c.img)
      // Remote media never widens where scripts or connections may come from.
      expect(directive(csp, 'script-src')).toBe("script-src 'self'")
      expect(directive(csp, 'connect-src')).toBe(
        "connect-src 'self' ws://127.0.0.1:8080 wss://127.0.0.1:8080",
      )
    })
  }

  it('names the public URL as a socket origin', () => {
    const csp = securityHeaders('10.0.0.5:8080', 'https://concord.example.org')[
      'content-security-policy'
    ]!
    expect(directive(csp, 'connect-src')).toContain('wss://concord.example.org')
  })
})
