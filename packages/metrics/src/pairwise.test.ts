import { describe, expect, it } from 'vitest'
import { cohenKappa } from './cohen-kappa'
import { krippendorffAlpha } from './krippendorff-alpha'
import { pairwiseAgreement, toRows } from './pairwise'
import { createRandom } from './random'
import { Reasons } from './result'
import type { Annotation } from './table'
import { compileTable, tableFromRows } from './table'
import { krippendorff2011 } from './testing/published'

describe('pairwiseAgreement', () => {
  const names = ['A', 'B', 'C', 'D']
  const t = tableFromRows(krippendorff2011, { annotators: names })

  it.each(['nominal', 'ordinal', 'interval', 'ratio'] as const)(
    'every pair equals Cohen and two-annotator alpha computed alone (%s)',
    (level) => {
      const p = pairwiseAgreement(t, { level })
      expect(p.pairs).toHaveLength(6)
      for (const pair of p.pairs) {
        const alone = tableFromRows(
          krippendorff2011.map((row) => [
            row[names.indexOf(pair.a)] ?? null,
            row[names.indexOf(pair.b)] ?? null,
          ]),
          { annotators: [pair.a, pair.b], categories: [1, 2, 3, 4, 5] },
        )
        expect(pair.kappa.value).toBeCloseTo(cohenKappa(alone).value, 12)
        expect(pair.alpha.value).toBeCloseTo(krippendorffAlpha(alone, { level }).value, 12)
        expect(pair.shared).toBe(cohenKappa(alone).counts.items)
      }
    },
  )

  it('fills symmetric matrices with shared counts and NaN on the diagonal', () => {
    const p = pairwiseAgreement(t)
    const shared = toRows(p.shared, 4)
    // Items per annotator (diagonal) and shared items, counted by hand from the data.
    expect(shared).toEqual([
      [9, 9, 8, 9],
      [9, 10, 9, 10],
      [8, 9, 11, 10],
      [9, 10, 10, 11],
    ])
    const kappa = toRows(p.kappa, 4)
    for (let a = 0; a < 4; a++) {
      expect(kappa[a]?.[a]).toBeNaN()
      for (let b = 0; b < 4; b++) expect(kappa[a]?.[b]).toEqual(kappa[b]?.[a])
    }
  })

  it('a pair without shared items gets NaN with the reason', () => {
    const p = pairwiseAgreement(
      tableFromRows([
        ['x', 'y', null],
        ['x', null, 'y'],
      ]),
    )
    const bc = p.pairs.find((q) => q.a === '2' && q.b === '3')
    expect(bc?.shared).toBe(0)
    expect(bc?.kappa.reason).toBe(Reasons.noSharedItems)
    expect(bc?.alpha.reason).toBe(Reasons.noPairableUnits)
  })

  it('many annotators and categories (per-pair tables instead of one flat array) agree with Cohen', () => {
    const random = createRandom(7)
    const annotations: Annotation[] = []
    for (let i = 0; i < 300; i++) {
      for (let r = 0; r < 6; r++) {
        annotations.push({
          item: `i${i}`,
          annotator: `a${(i * 7 + r * 37) % 200}`,
          value: random.nextInt(30),
        })
      }
    }
    const big = compileTable(annotations, { categories: Array.from({ length: 30 }, (_, c) => c) })
    expect(((200 * 199) / 2) * 900).toBeGreaterThan(1 << 24)
    const p = pairwiseAgreement(big)
    for (const pair of p.pairs.filter((q) => q.shared > 0).slice(0, 20)) {
      expect(pair.kappa.value).toBeCloseTo(cohenKappa(big, { pair: [pair.a, pair.b] }).value, 12)
    }
  })
})
