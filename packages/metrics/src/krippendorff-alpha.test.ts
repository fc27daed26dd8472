import { describe, expect, it } from 'vitest'
import type { Level } from './distance'
import { MetricsInputError } from './errors'
import { krippendorffAlpha } from './krippendorff-alpha'
import { Reasons } from './result'
import { compileTable, tableFromRows } from './table'
import { fleiss1971, krippendorff2011, rowsFromContingency } from './testing/published'

const k2011 = tableFromRows(krippendorff2011, { annotators: ['A', 'B', 'C', 'D'] })

describe('krippendorffAlpha: published values', () => {
  // Each case: data, level, the published value and its number of published decimals.
  const cases: {
    source: string
    rows: readonly (readonly (number | string | null)[])[]
    level: Level
    published: number
    digits: number
  }[] = [
    // Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C and its
    // summary of the same data at all levels: nominal .743, ordinal .815, interval .849, ratio .797.
    {
      source: 'Krippendorff 2011, nominal',
      rows: krippendorff2011,
      level: 'nominal',
      published: 0.743,
      digits: 3,
    },
    {
      source: 'Krippendorff 2011, ordinal',
      rows: krippendorff2011,
      level: 'ordinal',
      published: 0.815,
      digits: 3,
    },
    {
      source: 'Krippendorff 2011, interval',
      rows: krippendorff2011,
      level: 'interval',
      published: 0.849,
      digits: 3,
    },
    {
      source: 'Krippendorff 2011, ratio',
      rows: krippendorff2011,
      level: 'ratio',
      published: 0.797,
      digits: 3,
    },
    // Gwet's irrCAC R package README: krippen.alpha.raw(cac.raw4raters) = 0.74342 (same data).
    {
      source: 'irrCAC krippen.alpha.raw(cac.raw4raters)',
      rows: krippendorff2011,
      level: 'nominal',
      published: 0.74342,
      digits: 5,
    },
    // irrCAC README: krippen2.table(cont3x3abstractors) = 0.7972585.
    {
      source: 'irrCAC krippen2.table(cont3x3abstractors)',
      rows: rowsFromContingency(
        [
          [13, 0, 0],
          [0, 20, 7],
          [0, 4, 56],
        ],
        ['Ectopic', 'AIU', 'NIU'],
      ),
      level: 'nominal',
      published: 0.7972585,
      digits: 7,
    },
    // irrCAC README: krippen.alpha.dist(distrib.6raters) = 0.4204384; distrib.6raters is the
    // first 15 subjects of Fleiss (1971).
    {
      source: 'irrCAC krippen.alpha.dist(distrib.6raters)',
      rows: fleiss1971.slice(0, 15),
      level: 'nominal',
      published: 0.4204384,
      digits: 7,
    },
  ]
  it.each(cases)('$source: $published', ({ rows, level, published, digits }) => {
    const r = krippendorffAlpha(tableFromRows(rows), { level })
    expect(r.reason).toBeUndefined()
    expect(r.value).toBeCloseTo(published, digits)
  })

  it('ignores the unpairable unit 12 and counts what it used (Krippendorff 2011: n = 40)', () => {
    const r = krippendorffAlpha(k2011)
    expect(r.counts).toEqual({ items: 11, annotators: 4, pairableValues: 40, categories: 5 })
    // D_o and D_e of the nominal example, derived by hand from the coincidence matrix:
    // Σ_{c≠k} o_ck = 8 (n D_o), n² − Σ n_c² = 1600 − (81 + 169 + 100 + 25 + 9) = 1216.
    expect(r.observedDisagreement).toBeCloseTo(8 / 40, 12)
    expect(r.expectedDisagreement).toBeCloseTo(1216 / (40 * 39), 12)
    expect(r.value).toBeCloseTo(1 - (39 * 8) / 1216, 12)
  })
})

describe('krippendorffAlpha: definitions derived by hand', () => {
  it('two coders, interval: α = 1 − (n − 1) Σ o δ² / Σ n_c n_k δ²', () => {
    // Units (1,2), (3,3): o_12 = o_21 = 1, o_33 = 2; n = 4, n_1 = n_2 = 1, n_3 = 2.
    // Σ o δ² = 2·1 = 2; Σ n_c n_k δ² = 2(1·1·1 + 1·2·4 + 1·2·1) = 22; α = 1 − 3·2/22 = 8/11.
    const t = tableFromRows([
      [1, 2],
      [3, 3],
    ])
    expect(krippendorffAlpha(t, { level: 'interval' }).value).toBeCloseTo(8 / 11, 12)
  })

  it('nominal alpha of perfect agreement with variation is 1', () => {
    const t = tableFromRows([
      ['a', 'a', 'a'],
      ['b', 'b', null],
    ])
    expect(krippendorffAlpha(t).value).toBe(1)
  })
})

describe('krippendorffAlpha: undefined cases return NaN with a reason', () => {
  const cases: {
    name: string
    rows: (string | number | null)[][]
    level: Level
    reason: string
  }[] = [
    {
      name: 'no unit has two values',
      rows: [
        ['a', null],
        [null, 'b'],
      ],
      level: 'nominal',
      reason: Reasons.noPairableUnits,
    },
    {
      name: 'every value identical',
      rows: [
        ['a', 'a'],
        ['a', 'a'],
      ],
      level: 'nominal',
      reason: Reasons.expectedDisagreementZero,
    },
    {
      name: 'every value identical, interval',
      rows: [
        [2, 2],
        [2, 2],
      ],
      level: 'interval',
      reason: Reasons.expectedDisagreementZero,
    },
    {
      name: 'every value identical, ordinal',
      rows: [[2, 2, 2]],
      level: 'ordinal',
      reason: Reasons.expectedDisagreementZero,
    },
  ]
  it.each(cases)('$name', ({ rows, level, reason }) => {
    const r = krippendorffAlpha(tableFromRows(rows), { level })
    expect(r.value).toBeNaN()
    expect(r.reason).toBe(reason)
  })

  it('an empty table', () => {
    const r = krippendorffAlpha(compileTable([]))
    expect(r.value).toBeNaN()
    expect(r.reason).toBe(Reasons.noPairableUnits)
    expect(r.counts.items).toBe(0)
  })
})

describe('krippendorffAlpha: invalid input throws MetricsInputError', () => {
  it('a string value at the interval level', () => {
    expect(() => krippendorffAlpha(tableFromRows([['a', 'b']]), { level: 'interval' })).toThrow(
      MetricsInputError,
    )
    expect(() => krippendorffAlpha(tableFromRows([['a', 'b']]), { level: 'interval' })).toThrow(
      /'a' is not numeric/,
    )
  })
  it('a negative value at the ratio level', () => {
    expect(() => krippendorffAlpha(tableFromRows([[-1, 2]]), { level: 'ratio' })).toThrow(
      /negative/,
    )
  })
  it('an unknown level', () => {
    expect(() => krippendorffAlpha(k2011, { level: 'cardinal' as Level })).toThrow(/level must be/)
  })
})
