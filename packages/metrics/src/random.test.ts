import { describe, expect, it } from 'vitest'
import { createRandom } from './random'

describe('createRandom (xoshiro128**)', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = createRandom(42)
    const b = createRandom(42)
    const c = createRandom(43)
    const xs = Array.from({ length: 5 }, () => a.nextUint32())
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(xs)
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(xs)
    for (const x of xs) expect(x >>> 0).toBe(x)
  })

  it('nextFloat is in [0, 1)', () => {
    const r = createRandom(1)
    for (let i = 0; i < 10_000; i++) {
      const x = r.nextFloat()
      expect(x >= 0 && x < 1).toBe(true)
    }
  })

  const chiSquare = (counts: number[], draws: number): number => {
    const expected = draws / counts.length
    return counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0)
  }

  it.each([1, 3, 7, 1000, 65536, 100_000, 3_000_000_000])(
    'nextInt(%i) and fillInts stay in range and look uniform (chi-square)',
    (n) => {
      const r = createRandom(n)
      const buckets = Math.min(n, 10)
      const draws = 50_000
      const single = new Array<number>(buckets).fill(0)
      const batch = new Array<number>(buckets).fill(0)
      const m = Math.min(n, 2 ** 31 - 1)
      const out = new Int32Array(draws)
      r.fillInts?.(out, m)
      let inRange = true
      for (let i = 0; i < draws; i++) {
        const x = r.nextInt(n)
        const y = out[i] as number
        if (!(Number.isInteger(x) && x >= 0 && x < n && y >= 0 && y < m)) inRange = false
        const bx = Math.floor((x / n) * buckets)
        const by = Math.floor((y / m) * buckets)
        single[bx] = (single[bx] as number) + 1
        batch[by] = (batch[by] as number) + 1
      }
      expect(inRange).toBe(true)
      if (buckets > 1) {
        // 99.9% quantiles of chi-square: 9 degrees of freedom 27.9, 2 dof 13.8, 6 dof 22.5.
        const limit = buckets === 10 ? 27.9 : buckets === 3 ? 13.8 : 22.5
        expect(chiSquare(single, draws)).toBeLessThan(limit)
        expect(chiSquare(batch, draws)).toBeLessThan(limit)
      }
    },
  )

  it('rejects an invalid range', () => {
    expect(() => createRandom(0).nextInt(0)).toThrow(RangeError)
    expect(() => createRandom(0).nextInt(2.5)).toThrow(RangeError)
  })
})
