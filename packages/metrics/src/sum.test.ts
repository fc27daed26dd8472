import { describe, expect, it } from 'vitest'
import { CompensatedSum, compensatedSum } from './sum'

describe('compensated summation (Neumaier)', () => {
  it.each([
    { xs: [1e16, 1, -1e16], sum: 1 },
    { xs: [1, 1e100, 1, -1e100], sum: 2 },
    { xs: Array.from({ length: 10 }, () => 0.1), sum: 1 },
  ])('sum of $xs', ({ xs, sum }) => {
    expect(compensatedSum(xs)).toBe(sum)
    const s = new CompensatedSum()
    xs.forEach((x) => s.add(x))
    expect(s.value).toBe(sum)
  })
})
