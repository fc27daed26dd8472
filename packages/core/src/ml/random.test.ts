import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { gaussian, mulberry32, randomInt, shuffleInPlace } from './random'

describe('mulberry32', () => {
  it('gives the same sequence for the same seed and another for another seed', () => {
    const a = mulberry32(42)
    const b = mulberry32(42)
    const c = mulberry32(43)
    const first = Array.from({ length: 5 }, () => a())
    expect(Array.from({ length: 5 }, () => b())).toEqual(first)
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(first)
  })

  it('matches the reference implementation (seed 1: 0.6270739405881613, 0.002735721180215478)', () => {
    // Values of the public-domain JavaScript original by Tommy Ettinger, run on seed 1.
    const rng = mulberry32(1)
    expect(rng()).toBe(0.6270739405881613)
    expect(rng()).toBe(0.002735721180215478)
  })

  it('stays in [0, 1) and is roughly uniform', () => {
    const rng = mulberry32(7)
    const bins = new Array<number>(10).fill(0)
    for (let i = 0; i < 100_000; i++) {
      const u = rng()
      expect(u >= 0 && u < 1).toBe(true)
      bins[Math.floor(u * 10)]!++
    }
    // Each bin expects 10,000; 5 standard deviations is about ±475.
    for (const count of bins) expect(Math.abs(count - 10_000)).toBeLessThan(500)
  })
})

describe('shuffleInPlace', () => {
  it('returns a permutation of its input, the same one for the same seed', () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), fc.integer(), (items, seed) => {
        const a = shuffleInPlace([...items], mulberry32(seed))
        const b = shuffleInPlace([...items], mulberry32(seed))
        expect(a).toEqual(b)
        expect([...a].sort((x, y) => x - y)).toEqual([...items].sort((x, y) => x - y))
      }),
    )
  })

  it('shuffles typed arrays too', () => {
    const a = shuffleInPlace(Int32Array.from([1, 2, 3, 4, 5, 6, 7, 8]), mulberry32(3))
    expect([...a].sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect([...a]).not.toEqual([1, 2, 3, 4, 5, 6, 7, 8])
  })

  it('puts each element in each position about equally often', () => {
    const rng = mulberry32(11)
    const firstCounts = [0, 0, 0]
    for (let i = 0; i < 30_000; i++) firstCounts[shuffleInPlace([0, 1, 2], rng)[0]!]!++
    for (const c of firstCounts) expect(Math.abs(c - 10_000)).toBeLessThan(500)
  })
})

describe('gaussian and randomInt', () => {
  it('gaussian has mean 0 and variance 1 and is never infinite', () => {
    const rng = mulberry32(5)
    let sum = 0
    let sq = 0
    const n = 100_000
    for (let i = 0; i < n; i++) {
      const z = gaussian(rng)
      expect(Number.isFinite(z)).toBe(true)
      sum += z
      sq += z * z
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.02)
    expect(Math.abs(sq / n - 1)).toBeLessThan(0.03)
  })

  it('randomInt covers 0..n-1 only', () => {
    const rng = mulberry32(9)
    const seen = new Set<number>()
    for (let i = 0; i < 1000; i++) seen.add(randomInt(rng, 4))
    expect([...seen].sort()).toEqual([0, 1, 2, 3])
  })
})
