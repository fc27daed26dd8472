import { describe, expect, it } from 'vitest'
import { gwetAC, gwetAC1, gwetAC2 } from './gwet-ac'
import { Reasons } from './result'
import { tableFromRows } from './table'
import { fleiss1971, krippendorff2011, rowsFromContingency } from './testing/published'

describe("Gwet's AC1/AC2: published values", () => {
  const raw4 = tableFromRows(krippendorff2011)
  const cases = [
    // Gwet's irrCAC README: gwet.ac1.raw(cac.raw4raters): AC1 0.77544, pa 0.8181818, pe 0.1903212.
    {
      source: 'irrCAC gwet.ac1.raw(cac.raw4raters)',
      run: () => gwetAC1(raw4),
      published: 0.77544,
      digits: 5,
    },
    // irrCAC (Python port) tests: gwet with weights='quadratic' on raw_4raters = 0.91400.
    {
      source: 'irrCAC gwet quadratic, raw_4raters',
      run: () => gwetAC2(raw4, 'quadratic'),
      published: 0.914,
      digits: 5,
    },
    // irrCAC README: gwet.ac1.table(cont3x3abstractors) = 0.8493305.
    {
      source: 'irrCAC gwet.ac1.table(cont3x3abstractors)',
      run: () =>
        gwetAC1(
          tableFromRows(
            rowsFromContingency(
              [
                [13, 0, 0],
                [0, 20, 7],
                [0, 4, 56],
              ],
              ['Ectopic', 'AIU', 'NIU'],
            ),
          ),
        ),
      published: 0.8493305,
      digits: 7,
    },
    // irrCAC README: gwet.ac1.dist(distrib.6raters) = 0.4448007 (Fleiss 1971, first 15 subjects).
    {
      source: 'irrCAC gwet.ac1.dist(distrib.6raters)',
      run: () => gwetAC1(tableFromRows(fleiss1971.slice(0, 15))),
      published: 0.4448007,
      digits: 7,
    },
  ]
  it.each(cases)('$source: $published', ({ run, published, digits }) => {
    const r = run()
    expect(r.reason).toBeUndefined()
    expect(r.value).toBeCloseTo(published, digits)
  })

  it('p_a and p_e of cac.raw4raters as published (0.8181818, 0.1903212)', () => {
    const r = gwetAC1(raw4)
    expect(r.observedAgreement).toBeCloseTo(0.8181818, 7)
    expect(r.expectedAgreement).toBeCloseTo(0.1903212, 7)
    expect(r.counts).toEqual({ items: 12, annotators: 4, pairableValues: 40, categories: 5 })
  })
})

describe("Gwet's AC: undefined cases", () => {
  it.each([
    { name: 'no item with two ratings', rows: [['a'], ['b']], reason: Reasons.noPairableUnits },
    { name: 'a single category', rows: [['a', 'a']], reason: Reasons.fewerThanTwoCategories },
  ])('$name → NaN with reason', ({ rows, reason }) => {
    for (const weights of ['none', 'linear', 'quadratic'] as const) {
      const r = gwetAC(tableFromRows(rows), { weights })
      expect(r.value).toBeNaN()
      expect(r.reason).toBe(reason)
    }
  })
})
