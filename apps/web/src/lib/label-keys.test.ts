import { describe, expect, it } from 'vitest'
import { assignLabelKeys, RESERVED_KEYS } from './label-keys'

describe('assignLabelKeys', () => {
  it.each([
    [
      ['a', 'b', 'c'],
      ['1', '2', '3'],
    ],
    [
      Array.from({ length: 11 }, (_, i) => `l${i}`),
      ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b'],
    ],
  ])('keys for %j', (labels, expected) => {
    expect([...assignLabelKeys(labels).keys()]).toEqual(expected)
  })

  it('never gives a label a reserved key, and stops when keys run out', () => {
    const labels = Array.from({ length: 60 }, (_, i) => `l${i}`)
    const keys = assignLabelKeys(labels)
    for (const k of keys.keys()) expect(RESERVED_KEYS.has(k)).toBe(false)
    expect(keys.size).toBe(9 + 26 - RESERVED_KEYS.size)
  })
})
