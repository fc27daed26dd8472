import { describe, expect, it } from 'vitest'
import { cohenKappa } from './cohen-kappa'
import { MetricsInputError } from './errors'
import { Reasons } from './result'
import { scottPi } from './scott-pi'
import { tableFromRows } from './table'
import { irrAnxiety, krippendorff2011, rowsFromContingency } from './testing/published'
import type { WeightScheme } from './weights'

const contingency = (t: number[][], labels: (string | number)[]) =>
  tableFromRows(rowsFromContingency(t, labels), { categories: labels })

describe('cohenKappa: published values', () => {
  const cases: {
    source: string
    table: ReturnType<typeof tableFromRows>
    weights: WeightScheme
    published: number
    digits: number
  }[] = [
    // Wikipedia, "Cohen's kappa", simple example: yes/yes 20, yes/no 5, no/yes 10, no/no 15 → κ = 0.4.
    {
      source: "Wikipedia Cohen's kappa example",
      table: contingency(
        [
          [20, 5],
          [10, 15],
        ],
        ['yes', 'no'],
      ),
      weights: 'none',
      published: 0.4,
      digits: 10,
    },
    // SAS PROC FREQ agreement example as reproduced in statsmodels' tests: 3x3 table
    // [[0,4,1],[0,8,0],[0,1,5]]: simple kappa 0.4842, weighted kappa (Cicchetti-Allison = linear) 0.4701.
    {
      source: 'SAS simple kappa',
      table: contingency(
        [
          [0, 4, 1],
          [0, 8, 0],
          [0, 1, 5],
        ],
        [1, 2, 3],
      ),
      weights: 'none',
      published: 0.4842,
      digits: 4,
    },
    {
      source: 'SAS weighted kappa (Cicchetti-Allison)',
      table: contingency(
        [
          [0, 4, 1],
          [0, 8, 0],
          [0, 1, 5],
        ],
        [1, 2, 3],
      ),
      weights: 'linear',
      published: 0.4701,
      digits: 4,
    },
    // R irr::kappa2(anxiety[, 2:3]) with weights "unweighted", "equal", "squared".
    {
      source: 'irr kappa2 anxiety, unweighted',
      table: tableFromRows(irrAnxiety.map((r) => [r[1], r[2]])),
      weights: 'none',
      published: -0.006289308,
      digits: 9,
    },
    {
      source: 'irr kappa2 anxiety, equal (linear)',
      table: tableFromRows(irrAnxiety.map((r) => [r[1], r[2]])),
      weights: 'linear',
      published: 0.1459075,
      digits: 7,
    },
    {
      source: 'irr kappa2 anxiety, squared (quadratic)',
      table: tableFromRows(irrAnxiety.map((r) => [r[1], r[2]])),
      weights: 'quadratic',
      published: 0.2520325,
      digits: 7,
    },
    // Gwet's irrCAC README: kappa2.table(cont3x3abstractors) = 0.7964094.
    {
      source: 'irrCAC kappa2.table(cont3x3abstractors)',
      table: contingency(
        [
          [13, 0, 0],
          [0, 20, 7],
          [0, 4, 56],
        ],
        ['Ectopic', 'AIU', 'NIU'],
      ),
      weights: 'none',
      published: 0.7964094,
      digits: 7,
    },
  ]
  it.each(cases)('$source: $published', ({ table, weights, published, digits }) => {
    const r = cohenKappa(table, { weights })
    expect(r.reason).toBeUndefined()
    expect(r.value).toBeCloseTo(published, digits)
  })

  it('reports p_o, p_e and counts (Wikipedia example: p_o = 0.7, p_e = 0.5, 50 items)', () => {
    const r = cohenKappa(
      contingency(
        [
          [20, 5],
          [10, 15],
        ],
        ['yes', 'no'],
      ),
    )
    expect(r.observedAgreement).toBeCloseTo(0.7, 12)
    expect(r.expectedAgreement).toBeCloseTo(0.5, 12)
    expect(r.counts).toEqual({ items: 50, annotators: 2, pairableValues: 100, categories: 2 })
  })
})

describe('cohenKappa: pairs and undefined cases', () => {
  const k4 = tableFromRows(krippendorff2011, { annotators: ['A', 'B', 'C', 'D'] })

  it('uses only the items both annotators rated', () => {
    const r = cohenKappa(k4, { pair: ['A', 'C'] })
    expect(r.counts.items).toBe(8)
    expect(r.annotators).toEqual(['A', 'C'])
  })

  it('throws MetricsInputError when the pair is ambiguous or unknown', () => {
    expect(() => cohenKappa(k4)).toThrow(MetricsInputError)
    expect(() => cohenKappa(k4, { pair: ['A', 'Z'] })).toThrow(/'Z' is not in the table/)
    expect(() => cohenKappa(k4, { pair: ['A', 'A'] })).toThrow(/two different/)
  })

  const undefinedCases = [
    {
      name: 'no shared item',
      rows: [
        ['a', null],
        [null, 'b'],
      ],
      reason: Reasons.noSharedItems,
    },
    {
      name: 'one category throughout',
      rows: [
        ['a', 'a'],
        ['a', 'a'],
      ],
      reason: Reasons.expectedAgreementOne,
    },
  ]
  it.each(undefinedCases)('$name → NaN with reason', ({ rows, reason }) => {
    for (const weights of ['none', 'linear', 'quadratic'] as const) {
      const r = cohenKappa(tableFromRows(rows), { weights })
      expect(r.value).toBeNaN()
      expect(r.reason).toBe(reason)
    }
    const s = scottPi(tableFromRows(rows))
    expect(s.value).toBeNaN()
    expect(s.reason).toBe(reason)
  })
})
