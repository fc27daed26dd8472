import { describe, expect, it } from 'vitest'
import { coincidenceMatrix, confusionMatrix } from './confusion'
import { MetricsInputError } from './errors'
import { tableFromRows } from './table'
import { krippendorff2011, rowsFromContingency } from './testing/published'

describe('confusionMatrix', () => {
  it('reproduces the contingency table it was built from', () => {
    const table = [
      [13, 0, 0],
      [0, 20, 7],
      [0, 4, 56],
    ]
    const t = tableFromRows(rowsFromContingency(table, ['E', 'A', 'N']), {
      annotators: ['r1', 'r2'],
      categories: ['E', 'A', 'N'],
    })
    const m = confusionMatrix(t, 'r1', 'r2')
    expect(m.counts).toEqual(table)
    expect(m.items).toBe(100)
    expect(confusionMatrix(t, 'r2', 'r1').counts[1]?.[2]).toBe(4)
    expect(() => confusionMatrix(t, 'r1', 'nobody')).toThrow(MetricsInputError)
  })
})

describe('coincidenceMatrix', () => {
  it('Krippendorff 2011 nominal example, derived by hand from o_ck = Σ_u n_uc (n_uk − [c=k]) / (m_u − 1)', () => {
    // Units 3, 4, 5, 7, 9 (4 equal values) give 4 to their diagonal; unit 1 (three 1s) gives
    // o_11 += 3; unit 10 (three 5s) o_55 += 3; unit 11 (two 1s) o_11 += 2; unit 2 (2,2,3,2):
    // o_22 += 2, o_23 = o_32 += 1; unit 8 (1,1,2,1): o_11 += 2, o_12 = o_21 += 1; unit 6
    // (1,2,3,4): 1/3 to every off-diagonal cell among 1-4.
    const third = 1 / 3
    const expected = [
      [7, 4 * third, third, third, 0],
      [4 * third, 10, 4 * third, third, 0],
      [third, 4 * third, 8, third, 0],
      [third, third, third, 4, 0],
      [0, 0, 0, 0, 3],
    ]
    const { counts } = coincidenceMatrix(tableFromRows(krippendorff2011))
    counts.forEach((row, c) =>
      row.forEach((v, k) => expect(v).toBeCloseTo(expected[c]?.[k] ?? NaN, 12)),
    )
    // Row sums are the marginals n_c = 9, 13, 10, 5, 3 (n = 40).
    expect(
      counts.map((row) => row.reduce((s, v) => s + v, 0)).map((v) => Math.round(v * 1e9) / 1e9),
    ).toEqual([9, 13, 10, 5, 3])
  })
})
