import { describe, expect, it } from 'vitest'
import { confusedPairs, itemDisagreement, rankHotspots } from './item-disagreement'
import { tableFromRows } from './table'
import { krippendorff2011 } from './testing/published'

describe('itemDisagreement', () => {
  const t = tableFromRows(
    [
      ['a', 'a', 'a', 'a'], // unanimous
      ['a', 'a', 'b', 'b'], // split 2/2
      ['a', 'b', 'c', 'a'], // three labels
      ['c', null, null, null], // a single value
    ],
    { categories: ['a', 'b', 'c'] },
  )
  const d = itemDisagreement(t)

  it('scores each item (values derived by hand)', () => {
    expect(Array.from(d.ratings)).toEqual([4, 4, 4, 1])
    expect(Array.from(d.distinct)).toEqual([1, 2, 3, 1])
    expect(Array.from(d.majorityShare)).toEqual([1, 0.5, 0.5, 1])
    expect(Array.from(d.minorityShare)).toEqual([0, 0.5, 0.5, 0])
    // Entropy / ln 3: item 2: ln 2 / ln 3; item 3: (0.5 ln 2 + 2 · 0.25 ln 4) / ln 3 = 1.5 ln 2 / ln 3.
    expect(d.entropy[0]).toBe(0)
    expect(d.entropy[1]).toBeCloseTo(Math.log(2) / Math.log(3), 12)
    expect(d.entropy[2]).toBeCloseTo((1.5 * Math.log(2)) / Math.log(3), 12)
    expect(d.entropy[3]).toBe(0)
  })

  it('ranks hotspots among items with two or more values', () => {
    expect(rankHotspots(d, 'entropy', 2).map((h) => h.item)).toEqual(['3', '2'])
    expect(rankHotspots(d, 'distinct', 10).map((h) => h.item)).toEqual(['3', '2', '1'])
    expect(rankHotspots(d, 'minority', 1)).toEqual([{ item: '2', score: 0.5, ratings: 4 }])
  })

  it('entropy is NaN with a reason when there are fewer than two categories', () => {
    const one = itemDisagreement(tableFromRows([['a', 'a']]))
    expect(one.entropy[0]).toBeNaN()
    expect(one.entropyReason).toMatch(/fewer than two categories/)
  })
})

describe('confusedPairs', () => {
  it('lists the off-diagonal coincidences of Krippendorff 2011 (derived by hand)', () => {
    const pairs = confusedPairs(tableFromRows(krippendorff2011))
    expect(pairs.slice(0, 2).map((p) => [p.a, p.b, p.coincidences, p.pairs])).toEqual([
      [1, 2, 4 / 3, 4],
      [2, 3, 4 / 3, 4],
    ])
    expect(pairs).toHaveLength(6)
    expect(pairs.every((p) => p.a !== 5 && p.b !== 5)).toBe(true)
  })
})
