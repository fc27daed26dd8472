import { describe, expect, it } from 'vitest'
import { hashPassword, verifyPassword } from './passwords'

describe('passwords', () => {
  it('hashes into scrypt$N$r$p$salt$hash and verifies', async () => {
    const hash = await hashPassword('correct horse')
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/)
    expect(await verifyPassword('correct horse', hash)).toBe(true)
    expect(await verifyPassword('correct horsE', hash)).toBe(false)
    expect(await verifyPassword('', hash)).toBe(false)
  })

  it('salts: the same password hashes differently each time', async () => {
    const [a, b] = await Promise.all([hashPassword('same'), hashPassword('same')])
    expect(a).not.toBe(b)
    expect(await verifyPassword('same', b!)).toBe(true)
  })

  it('never matches a malformed or tampered hash', async () => {
    const hash = await hashPassword('pw')
    const parts = hash.split('$')
    const cases = [
      '',
      'plain',
      hash.replace('scrypt', 'bcrypt'),
      [...parts.slice(0, 5), 'AAAA'].join('$'),
      [parts[0], 1 << 30, ...parts.slice(2)].join('$'), // memory bomb
      [parts[0], 1000, ...parts.slice(2)].join('$'), // N not a power of two
    ]
    for (const bad of cases) expect(await verifyPassword('pw', bad)).toBe(false)
  })
})
