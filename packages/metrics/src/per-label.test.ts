import { describe, expect, it } from 'vitest'
import { krippendorffAlpha } from './krippendorff-alpha'
import { compileMultiLabelTable } from './multi-label-table'
import { perLabelAgreement, perLabelAgreementMulti } from './per-label'
import { Reasons } from './result'
import { compileTable, tableFromRows } from './table'
import { krippendorff2011, rowsFromContingency } from './testing/published'

describe('perLabelAgreement', () => {
  it('positive specific agreement for two raters is 2a / (2a + b + c) (Fleiss 1975)', () => {
    // Wikipedia's Cohen example: yes/yes a = 20, yes/no b = 5, no/yes c = 10, no/no d = 15.
    // p_s(yes) = 40/55; the same formula for "no" gives 2d/(2d + b + c) = 30/45.
    const t = tableFromRows(
      rowsFromContingency(
        [
          [20, 5],
          [10, 15],
        ],
        ['yes', 'no'],
      ),
    )
    const byLabel = Object.fromEntries(perLabelAgreement(t).map((l) => [l.label, l]))
    expect(byLabel.yes?.positiveAgreement.value).toBeCloseTo(40 / 55, 12)
    expect(byLabel.no?.positiveAgreement.value).toBeCloseTo(30 / 45, 12)
  })

  it('one-vs-rest alpha equals nominal alpha of the recoded data', () => {
    const t = tableFromRows(krippendorff2011)
    for (const l of perLabelAgreement(t)) {
      const recoded = tableFromRows(
        krippendorff2011.map((row) =>
          row.map((v) => (v === null ? null : v === l.label ? 'y' : 'n')),
        ),
      )
      expect(l.alpha.value).toBeCloseTo(krippendorffAlpha(recoded).value, 12)
    }
  })

  it('a label used by every pairable value, or by none, has NaN alpha with a reason', () => {
    const t = compileTable(
      [
        { item: '1', annotator: 'a', value: 'x' },
        { item: '1', annotator: 'b', value: 'x' },
      ],
      { categories: ['x', 'unused'] },
    )
    const [x, unused] = perLabelAgreement(t)
    expect(x?.alpha.reason).toBe(Reasons.expectedDisagreementZero)
    expect(x?.positiveAgreement.value).toBe(1)
    expect(unused?.alpha.reason).toBe(Reasons.expectedDisagreementZero)
    expect(unused?.positiveAgreement.value).toBeNaN()
    expect(unused?.positiveAgreement.reason).toMatch(/not used/)
  })
})

describe('perLabelAgreementMulti', () => {
  it('with one label per annotator equals the single-label breakdown', () => {
    const triples = krippendorff2011.flatMap((row, i) =>
      row.flatMap((v, j) => (v === null ? [] : [{ item: `${i}`, annotator: `${j}`, value: v }])),
    )
    const single = perLabelAgreement(compileTable(triples))
    const multi = perLabelAgreementMulti(compileMultiLabelTable(triples))
    expect(multi.map((l) => l.alpha.value)).toEqual(single.map((l) => l.alpha.value))
    expect(multi.map((l) => l.positiveAgreement.value)).toEqual(
      single.map((l) => l.positiveAgreement.value),
    )
  })

  it('binary alpha per label, derived by hand', () => {
    // Item 1: a {x, y}, b {x}; item 2: a {y}, b {y}. Label x: values (1,1), (0,0): α = 1.
    // Label y: (1,0), (1,1): o_10 = o_01 = 1, o_11 = 2; n_1 = 3, n_0 = 1;
    // α = 1 − 3·2/(2·3·1) = 0.
    const t = compileMultiLabelTable([
      { item: '1', annotator: 'a', value: 'x' },
      { item: '1', annotator: 'a', value: 'y' },
      { item: '1', annotator: 'b', value: 'x' },
      { item: '2', annotator: 'a', value: 'y' },
      { item: '2', annotator: 'b', value: 'y' },
    ])
    const [x, y] = perLabelAgreementMulti(t)
    expect(x?.alpha.value).toBe(1)
    expect(y?.alpha.value).toBeCloseTo(0, 12)
  })
})
