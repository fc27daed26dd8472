import { describe, expect, it } from 'vitest'
import { percentAgreement } from './percent-agreement'
import { Reasons } from './result'
import { tableFromRows } from './table'
import { krippendorff2011, rowsFromContingency } from './testing/published'

describe('percentAgreement', () => {
  it.each([
    // irrCAC README: pa.coeff.raw(cac.raw4raters) = 0.8181818.
    {
      source: 'irrCAC pa.coeff.raw(cac.raw4raters)',
      rows: krippendorff2011,
      published: 0.8181818,
      digits: 7,
    },
    // irrCAC README: pa2.table(cont3x3abstractors) = 0.89.
    {
      source: 'irrCAC pa2.table(cont3x3abstractors)',
      rows: rowsFromContingency(
        [
          [13, 0, 0],
          [0, 20, 7],
          [0, 4, 56],
        ],
        ['E', 'A', 'N'],
      ),
      published: 0.89,
      digits: 12,
    },
  ])('$source', ({ rows, published, digits }) => {
    expect(percentAgreement(tableFromRows(rows)).value).toBeCloseTo(published, digits)
  })

  it('no item with two ratings → NaN with reason', () => {
    const r = percentAgreement(tableFromRows([['a', null]]))
    expect(r.value).toBeNaN()
    expect(r.reason).toBe(Reasons.noPairableUnits)
  })
})
