import { describe, expect, it } from 'vitest'
import { mulberry32 } from './random'
import type { QueueCandidate, QueueOrder } from './uncertainty'
import { QUEUE_ORDERS, entropy, leastConfidence, margin, rankForQueue } from './uncertainty'

describe('uncertainty scores', () => {
  const cases: {
    p: number[]
    k: number
    leastConfidence: number[]
    margin: number[]
    entropy: number[]
  }[] = [
    { p: [1, 0], k: 2, leastConfidence: [0], margin: [1], entropy: [0] },
    { p: [0.5, 0.5], k: 2, leastConfidence: [0.5], margin: [0], entropy: [Math.log(2)] },
    {
      p: [0.7, 0.2, 0.1],
      k: 3,
      leastConfidence: [0.3],
      margin: [0.5],
      // −(0.7 ln 0.7 + 0.2 ln 0.2 + 0.1 ln 0.1) = 0.8018185525433373
      entropy: [0.8018185525433373],
    },
    {
      p: [0.25, 0.25, 0.25, 0.25, 0.1, 0.6, 0.3, 0],
      k: 4,
      leastConfidence: [0.75, 0.4],
      margin: [0, 0.3],
      entropy: [Math.log(4), 0.8979457248567797],
    },
    { p: [1, 1], k: 1, leastConfidence: [0, 0], margin: [1, 1], entropy: [0, 0] },
  ]
  it.each(cases)('of $p (k = $k)', (c) => {
    const p = Float64Array.from(c.p)
    const close = (actual: Float64Array, expected: number[]) =>
      expected.forEach((v, i) => expect(actual[i]).toBeCloseTo(v, 6))
    close(leastConfidence(p, c.k), c.leastConfidence)
    close(margin(p, c.k), c.margin)
    close(entropy(p, c.k), c.entropy)
  })

  it('refuses a matrix whose length is not a multiple of k', () => {
    expect(() => entropy(new Float64Array(5), 2)).toThrow(/2 columns cannot have 5 values/)
  })
})

describe('rankForQueue', () => {
  const candidates: QueueCandidate[] = [
    { id: 10, proba: [0.9, 0.1], disagreement: 0, clusterLabelledShare: 0.5 },
    { id: 11 }, // nothing known yet
    { id: 12, proba: [0.5, 0.5], disagreement: 0.8, clusterLabelledShare: 0.1 },
    { id: 13, proba: [0.6, 0.4], disagreement: NaN, clusterLabelledShare: 0.1 },
    { id: 14, proba: [0.5, 0.5], disagreement: 0.8, clusterLabelledShare: 0 },
    { id: 15, proba: Float32Array.from([0.2, 0.7, 0.1]) },
  ]
  const expected: { order: Exclude<QueueOrder, 'random'>; ids: number[] }[] = [
    { order: 'default', ids: [10, 11, 12, 13, 14, 15] },
    // 1 − max: 0.1, -, 0.5, 0.4, 0.5, 0.3; 12 and 14 tie and keep input order.
    { order: 'least-confidence', ids: [12, 14, 13, 15, 10, 11] },
    // margins: 0.8, -, 0, 0.2, 0, 0.5.
    { order: 'margin', ids: [12, 14, 13, 15, 10, 11] },
    // entropies: 0.325, -, 0.693, 0.673, 0.693, 0.802 (three classes).
    { order: 'entropy', ids: [15, 12, 14, 13, 10, 11] },
    // NaN (fewer than two labels) counts as unknown.
    { order: 'disagreement', ids: [12, 14, 10, 11, 13, 15] },
    { order: 'coverage', ids: [14, 12, 13, 10, 11, 15] },
  ]
  it.each(expected)('orders by $order', ({ order, ids }) => {
    expect(rankForQueue(order, candidates, mulberry32(1))).toEqual(ids)
  })

  it("'random' is a permutation, reproducible for a seed", () => {
    const many = Array.from({ length: 30 }, (_, i) => ({ id: i }))
    const a = rankForQueue('random', many, mulberry32(5))
    expect(a).toEqual(rankForQueue('random', many, mulberry32(5)))
    expect(a).not.toEqual(rankForQueue('random', many, mulberry32(6)))
    expect([...a].sort((x, y) => x - y)).toEqual(many.map((c) => c.id))
    expect(a).not.toEqual(many.map((c) => c.id))
  })

  it('handles every order on an empty list', () => {
    for (const order of QUEUE_ORDERS) expect(rankForQueue(order, [], mulberry32(1))).toEqual([])
  })

  it('refuses an unknown order', () => {
    expect(() => rankForQueue('newest' as QueueOrder, candidates, mulberry32(1))).toThrow(
      /unknown queue order newest/,
    )
  })
})
