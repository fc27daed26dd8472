import { describe, expect, it } from 'vitest'
import { fleissKappa } from './fleiss-kappa'
import { Reasons } from './result'
import { tableFromRows } from './table'
import {
  fleiss1971,
  krippendorff2011,
  rowsFromCounts,
  wikipediaFleissCounts,
} from './testing/published'

describe('fleissKappa: published values', () => {
  const cases = [
    // Fleiss (1971), Table 1 data: κ = .430; R irr::kappam.fleiss(diagnoses) = 0.4302445.
    {
      source: 'Fleiss 1971 diagnoses (irr: 0.4302445)',
      rows: fleiss1971,
      published: 0.4302445,
      digits: 7,
    },
    // Wikipedia, "Fleiss' kappa", worked example: κ = 0.210.
    {
      source: 'Wikipedia worked example',
      rows: rowsFromCounts(wikipediaFleissCounts, [1, 2, 3, 4, 5]),
      published: 0.21,
      digits: 3,
    },
    // irrCAC README: fleiss.kappa.dist(distrib.6raters) = 0.4139265 (Fleiss 1971, first 15 subjects).
    {
      source: 'irrCAC fleiss.kappa.dist(distrib.6raters)',
      rows: fleiss1971.slice(0, 15),
      published: 0.4139265,
      digits: 7,
    },
  ]
  it.each(cases)('$source', ({ rows, published, digits }) => {
    const r = fleissKappa(tableFromRows(rows))
    expect(r.generalised).toBe(false)
    expect(r.value).toBeCloseTo(published, digits)
  })

  it('Wikipedia example: P̄ = 0.378 and P̄e = 0.213 as published', () => {
    const r = fleissKappa(tableFromRows(rowsFromCounts(wikipediaFleissCounts, [1, 2, 3, 4, 5])))
    expect(r.observedAgreement).toBeCloseTo(0.378, 3)
    expect(r.expectedAgreement).toBeCloseTo(0.213, 3)
    expect(r.counts).toEqual({ items: 10, annotators: 14, pairableValues: 140, categories: 5 })
  })
})

describe('fleissKappa: unequal numbers of ratings', () => {
  const t = tableFromRows(krippendorff2011)
  it("uses Gwet's generalisation by default: irrCAC fleiss.kappa.raw(cac.raw4raters) = 0.76117 (p_a 0.8181818, p_e 0.2387153)", () => {
    const r = fleissKappa(t)
    expect(r.generalised).toBe(true)
    expect(r.value).toBeCloseTo(0.76117, 5)
    expect(r.observedAgreement).toBeCloseTo(0.8181818, 7)
    expect(r.expectedAgreement).toBeCloseTo(0.2387153, 7)
  })
  it('returns NaN with the reason under strict: true', () => {
    const r = fleissKappa(t, { strict: true })
    expect(r.value).toBeNaN()
    expect(r.reason).toBe(Reasons.unequalRatings)
  })
  it('strict and generalised agree when ratings are equal', () => {
    const d = tableFromRows(fleiss1971)
    expect(fleissKappa(d, { strict: true }).value).toBe(fleissKappa(d).value)
  })
  it.each([
    { name: 'one rating per item', rows: [['a'], ['b']], reason: Reasons.noPairableUnits },
    {
      name: 'one category',
      rows: [
        ['a', 'a'],
        ['a', 'a'],
      ],
      reason: Reasons.expectedAgreementOne,
    },
  ])('$name → NaN with reason', ({ rows, reason }) => {
    const r = fleissKappa(tableFromRows(rows))
    expect(r.value).toBeNaN()
    expect(r.reason).toBe(reason)
  })
})
