import { describe, expect, it } from 'vitest'
import { consensusConfusionMatrix } from './confusion'
import { NO_OTHERS, TIED, leaveOneOutConsensus } from './consensus'
import { perAnnotatorAgreement } from './per-annotator'
import { Reasons } from './result'
import { tableFromRows } from './table'

// Hand-made data: columns are annotators a, b, c.
const rows = [
  ['x', 'x', 'x'], // consensus for each: x
  ['x', 'y', 'y'], // a's consensus y (b, c); b's: tie x/y; c's: tie
  ['y', 'y', null], // a's consensus y; b's consensus y
  ['z', null, null], // nobody else
]
const t = tableFromRows(rows, { annotators: ['a', 'b', 'c'] })

describe('leaveOneOutConsensus', () => {
  it('is the plurality of the others, TIED or NO_OTHERS', () => {
    const x = t.categories.indexOf('x')
    const y = t.categories.indexOf('y')
    expect(Array.from(leaveOneOutConsensus(t))).toEqual([x, x, x, y, TIED, TIED, y, y, NO_OTHERS])
  })
})

describe('perAnnotatorAgreement', () => {
  it('compares each annotator with the consensus of the others', () => {
    const [a, b, c] = perAnnotatorAgreement(t)
    // a: items 1 (x vs x), 2 (x vs y), 3 (y vs y) compared; item 4 has no others.
    expect(a).toMatchObject({ annotator: 'a', rated: 4, compared: 3, ties: 0 })
    expect(a?.agreement.value).toBeCloseTo(2 / 3, 12)
    // Kappa by hand for a: pairs (x,x), (x,y), (y,y): p_o = 2/3; rows x 2/3, y 1/3; cols
    // x 1/3, y 2/3; p_e = 2/9 + 2/9 = 4/9; κ = (2/3 − 4/9)/(5/9) = 2/5.
    expect(a?.kappa.value).toBeCloseTo(0.4, 12)
    expect(a?.kappa.counts.annotators).toBe(3)
    expect(b).toMatchObject({ compared: 2, ties: 1 })
    expect(b?.agreement.value).toBe(1)
    // c: item 1 only (x vs x), item 2 tied: one category → kappa undefined.
    expect(c).toMatchObject({ compared: 1, ties: 1 })
    expect(c?.kappa.value).toBeNaN()
    expect(c?.kappa.reason).toBe(Reasons.expectedAgreementOne)
  })

  it('consensusConfusionMatrix counts annotator (rows) against consensus (columns)', () => {
    const m = consensusConfusionMatrix(t, 'a')
    const x = t.categories.indexOf('x')
    const y = t.categories.indexOf('y')
    expect(m.items).toBe(3)
    expect(m.counts[x]?.[x]).toBe(1)
    expect(m.counts[x]?.[y]).toBe(1)
    expect(m.counts[y]?.[y]).toBe(1)
  })
})
