import { describe, expect, it } from 'vitest'
import { MetricsInputError } from './errors'
import { buildReport, formatReport } from './report'
import { tableFromRows } from './table'
import { krippendorff2011 } from './testing/published'

const t = tableFromRows(krippendorff2011, { annotators: ['A', 'B', 'C', 'D'] })

describe('buildReport', () => {
  it('collects every coefficient with its counts (all metrics)', () => {
    const r = buildReport(t, { replicates: 200, source: 'k.csv' })
    const byName = Object.fromEntries(r.coefficients.map((c) => [c.name, c]))
    expect(byName["Krippendorff's alpha (nominal)"]?.value).toBeCloseTo(0.743, 3)
    expect(byName["Krippendorff's alpha (nominal)"]?.interval?.replicates).toBe(200)
    expect(byName["Fleiss' kappa (generalised, unequal ratings)"]?.value).toBeCloseTo(0.76117, 5)
    expect(byName["Gwet's AC1"]?.value).toBeCloseTo(0.77544, 5)
    expect(byName['Percent agreement']?.value).toBeCloseTo(0.8181818, 7)
    expect(r.counts).toEqual({ items: 12, annotators: 4, annotations: 41, categories: 5 })
    expect(r.pairwise?.shared[0]).toEqual([9, 9, 8, 9])
    expect(r.perLabel).toHaveLength(5)
    expect(r.perAnnotator).toHaveLength(4)
    expect(r.hotspots?.[0]?.item).toBe('6')
    expect(r.confusedPairs?.[0]).toMatchObject({ a: 1, b: 2 })
  })

  it('adds weighted statistics at ordinal and interval levels, two-rater ones for two annotators', () => {
    const two = tableFromRows(krippendorff2011.map((r) => [r[0] ?? null, r[1] ?? null]))
    const r = buildReport(two, { level: 'interval', replicates: 0 })
    expect(r.coefficients.map((c) => c.name)).toEqual([
      "Krippendorff's alpha (interval)",
      "Cohen's kappa",
      "Cohen's weighted kappa (linear)",
      "Cohen's weighted kappa (quadratic)",
      "Scott's pi",
      "Fleiss' kappa (generalised, unequal ratings)",
      "Gwet's AC1",
      "Gwet's AC2 (quadratic)",
      'Percent agreement',
    ])
  })

  it('one metric: only that coefficient; kappa with more than two annotators gives the matrix', () => {
    expect(buildReport(t, { metric: 'ac1' }).coefficients.map((c) => c.name)).toEqual([
      "Gwet's AC1",
    ])
    const k = buildReport(t, { metric: 'kappa' })
    expect(k.coefficients).toEqual([])
    expect(k.pairwise?.kappa[0]?.[0]).toBeNull()
    expect(k.perLabel).toBeUndefined()
  })

  it('serialises undefined values as null with their reason', () => {
    const r = buildReport(tableFromRows([['a', 'a']]), { metric: 'alpha' })
    const json = JSON.parse(JSON.stringify(r)) as typeof r
    expect(json.coefficients[0]?.value).toBeNull()
    expect(json.coefficients[0]?.reason).toMatch(/expected disagreement is zero/)
  })

  it('rejects an unknown metric', () => {
    expect(() => buildReport(t, { metric: 'tau' as 'all' })).toThrow(MetricsInputError)
  })
})

describe('formatReport', () => {
  it('prints a readable report', () => {
    const text = formatReport(buildReport(t, { replicates: 100, source: 'k.csv' }))
    expect(text).toContain('Agreement for k.csv')
    expect(text).toContain(
      '12 items, 4 annotators, 41 annotations, 5 categories (1, 2, 3, 4, 5); level nominal',
    )
    expect(text).toMatch(/Krippendorff's alpha \(nominal\)\s+0\.7434\s+\[/)
    expect(text).toContain("Pairwise agreement: Cohen's kappa / alpha (nominal) (shared items)")
    expect(text).toContain('Per label (one-vs-rest)')
    expect(text).toContain('Disagreement hotspots')
  })

  it('prints NaN with its reason', () => {
    const text = formatReport(buildReport(tableFromRows([['a', null]]), { metric: 'alpha' }))
    expect(text).toMatch(/NaN.*no pairable units/)
  })
})
