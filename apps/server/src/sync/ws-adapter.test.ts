import { describe, expect, it } from 'vitest'
import { closeReason } from './ws-adapter'

describe('closeReason', () => {
  const cases: Array<[what: string, input: string, bytes: number]> = [
    ['short text stays as it is', 'no access to booklet/p', 22],
    ['exactly 123 bytes stays', 'x'.repeat(123), 123],
    ['long ASCII is cut to 123 bytes', `no access to ${'x'.repeat(300)}`, 123],
    ['3-byte characters are cut on a boundary', '€'.repeat(60), 123],
    ['2-byte characters are cut on a boundary', 'é'.repeat(100), 122],
    ['a surrogate pair is never split', `${'x'.repeat(121)}😀😀`, 121],
  ]
  for (const [what, input, bytes] of cases) {
    it(what, () => {
      const out = closeReason(input)
      expect(Buffer.byteLength(out)).toBe(bytes)
      expect(input.startsWith(out)).toBe(true)
      expect(out).not.toMatch(/[\uD800-\uDBFF]$/)
    })
  }
})
