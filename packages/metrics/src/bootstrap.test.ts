import { describe, expect, it } from 'vitest'
import { bootstrapAlpha, bootstrapKappa, quantileSorted } from './bootstrap'
import { MetricsInputError } from './errors'
import { createRandom } from './random'
import { Reasons } from './result'
import type { Annotation } from './table'
import { compileTable, tableFromRows } from './table'
import { krippendorff2011, rowsFromContingency } from './testing/published'

function synthetic(items: number, seed: number): Annotation[] {
  const r = createRandom(seed)
  const out: Annotation[] = []
  for (let i = 0; i < items; i++) {
    const truth = 1 + r.nextInt(4)
    for (let a = 0; a < 5; a++) {
      if (r.nextFloat() < 0.25) continue
      const value = r.nextFloat() < 0.7 ? truth : 1 + r.nextInt(4)
      out.push({ item: `i${i}`, annotator: `a${a}`, value })
    }
  }
  return out
}

describe('quantileSorted (Hyndman & Fan type 7, NumPy default)', () => {
  it.each([
    { xs: [1, 2, 3, 4], p: 0.25, q: 1.75 },
    { xs: [1, 2, 3, 4], p: 0.5, q: 2.5 },
    { xs: [1, 2, 3, 4], p: 1, q: 4 },
    { xs: [7], p: 0.3, q: 7 },
  ])('quantile($xs, $p) = $q', ({ xs, p, q }) => {
    expect(quantileSorted(xs, p)).toBeCloseTo(q, 12)
  })
})

describe('bootstrapAlpha', () => {
  const t = compileTable(synthetic(300, 11))

  it.each(['nominal', 'ordinal', 'interval', 'ratio'] as const)(
    'is reproducible from its seed and its interval contains the estimate (%s)',
    (level) => {
      const a = bootstrapAlpha(t, { level, replicates: 300, seed: 5 })
      const b = bootstrapAlpha(t, { level, replicates: 300, seed: 5 })
      const c = bootstrapAlpha(t, { level, replicates: 300, seed: 6 })
      expect(a.lower).toBe(b.lower)
      expect(a.upper).toBe(b.upper)
      expect(c.lower).not.toBe(a.lower)
      expect(a.defined).toBe(300)
      expect(a.lower).toBeLessThanOrEqual(a.estimate.value)
      expect(a.upper).toBeGreaterThanOrEqual(a.estimate.value)
      expect(a.upper - a.lower).toBeGreaterThan(0)
    },
  )

  it('replicate values agree with alpha recomputed on the resampled items', () => {
    // One replicate with a generator we can replay: draw the same unit indices and build the
    // resampled table by hand.
    const small = tableFromRows(krippendorff2011)
    const b = bootstrapAlpha(small, {
      replicates: 1,
      random: createRandom(3),
      keepReplicates: true,
    })
    const replay = createRandom(3)
    const pairable = krippendorff2011.filter((row) => row.filter((v) => v !== null).length >= 2)
    const picks = new Int32Array(pairable.length)
    replay.fillInts?.(picks, pairable.length)
    const resampled = tableFromRows(Array.from(picks, (p) => pairable[p] ?? []))
    const direct = bootstrapAlpha(resampled, { replicates: 1 }).estimate.value
    expect(b.values?.[0]).toBeCloseTo(direct, 12)
  })

  it('narrows with more items (1,000-replicate interval on 2,000 items is tighter than on 100)', () => {
    const wide = bootstrapAlpha(compileTable(synthetic(100, 3)), { replicates: 1000 })
    const narrow = bootstrapAlpha(compileTable(synthetic(2000, 3)), { replicates: 1000 })
    expect(narrow.upper - narrow.lower).toBeLessThan(wide.upper - wide.lower)
  })

  it('returns NaN bounds with a reason when nothing can be resampled', () => {
    const r = bootstrapAlpha(tableFromRows([['a', null]]))
    expect(r.lower).toBeNaN()
    expect(r.reason).toBe(Reasons.noPairableUnits)
    const same = bootstrapAlpha(
      tableFromRows([
        ['a', 'a'],
        ['a', 'a'],
      ]),
      { replicates: 10 },
    )
    expect(same.upper).toBeNaN()
    expect(same.defined).toBe(0)
    expect(same.reason).toBe(Reasons.expectedDisagreementZero)
  })

  it('rejects invalid options with MetricsInputError', () => {
    expect(() => bootstrapAlpha(t, { replicates: 0 })).toThrow(MetricsInputError)
    expect(() => bootstrapAlpha(t, { confidence: 1 })).toThrow(MetricsInputError)
    expect(() => bootstrapAlpha(t, { seed: 1.5 })).toThrow(MetricsInputError)
  })
})

describe('bootstrapKappa', () => {
  it('is reproducible and brackets the Wikipedia example (κ = 0.4)', () => {
    const t = tableFromRows(
      rowsFromContingency(
        [
          [20, 5],
          [10, 15],
        ],
        ['yes', 'no'],
      ),
    )
    const a = bootstrapKappa(t, { seed: 1 })
    expect(a.estimate.value).toBeCloseTo(0.4, 12)
    expect(bootstrapKappa(t, { seed: 1 }).lower).toBe(a.lower)
    expect(a.lower).toBeLessThan(0.4)
    expect(a.upper).toBeGreaterThan(0.4)
    expect(a.lower).toBeGreaterThanOrEqual(-1)
    expect(a.upper).toBeLessThanOrEqual(1)
  })

  it('no shared items → NaN with a reason', () => {
    const r = bootstrapKappa(
      tableFromRows([
        ['a', null],
        [null, 'b'],
      ]),
    )
    expect(r.lower).toBeNaN()
    expect(r.reason).toBe(Reasons.noSharedItems)
  })
})
