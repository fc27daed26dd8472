import { describe, expect, it } from 'vitest'
import { fleissKappa } from './fleiss-kappa'
import { scottPi } from './scott-pi'
import { tableFromRows } from './table'
import { rowsFromContingency } from './testing/published'

describe('scottPi', () => {
  it('irrCAC README: scott2.table(cont3x3abstractors) = 0.7962397', () => {
    const t = tableFromRows(
      rowsFromContingency(
        [
          [13, 0, 0],
          [0, 20, 7],
          [0, 4, 56],
        ],
        ['Ectopic', 'AIU', 'NIU'],
      ),
    )
    const r = scottPi(t)
    expect(r.value).toBeCloseTo(0.7962397, 7)
    expect(r.observedAgreement).toBeCloseTo(0.89, 12)
  })

  it("equals Fleiss' kappa for two raters (Fleiss 1971 reduces to Scott's pi for m = 2)", () => {
    const t = tableFromRows(
      rowsFromContingency(
        [
          [20, 5],
          [10, 15],
        ],
        ['yes', 'no'],
      ),
    )
    // Hand: p_o = 0.7; pooled shares yes (25 + 30)/100 = 0.55, no 0.45; p_e = 0.505;
    // π = (0.7 − 0.505)/(1 − 0.505) = 0.393939...
    expect(scottPi(t).value).toBeCloseTo(0.195 / 0.495, 12)
    expect(fleissKappa(t).value).toBeCloseTo(scottPi(t).value, 12)
  })
})
