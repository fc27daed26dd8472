import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { accuracy, macroF1, majorityRate, outOfFoldProba, stratifiedFolds } from './cross-validate'
import { gaussian, mulberry32 } from './random'

describe('stratifiedFolds', () => {
  it('gives each fold the same share of every class, up to one row', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 2, max: 10 }),
        fc.integer(),
        (labels, folds, seed) => {
          const y = Int32Array.from(labels)
          const fold = stratifiedFolds(y, 4, folds, mulberry32(seed))
          const sizes = new Array<number>(folds).fill(0)
          for (let c = 0; c < 4; c++) {
            const perFold = new Array<number>(folds).fill(0)
            for (let i = 0; i < y.length; i++) {
              expect(fold[i]! >= 0 && fold[i]! < folds).toBe(true)
              if (y[i] === c) perFold[fold[i]!]!++
            }
            expect(Math.max(...perFold) - Math.min(...perFold)).toBeLessThanOrEqual(1)
          }
          for (let i = 0; i < y.length; i++) sizes[fold[i]!]!++
          expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1)
        },
      ),
    )
  })

  it('deals a hand-checkable case: four 0s and two 1s into two folds', () => {
    const fold = stratifiedFolds(Int32Array.from([0, 0, 0, 0, 1, 1]), 2, 2, mulberry32(1))
    const zeros = [0, 1, 2, 3].map((i) => fold[i]!)
    expect(zeros.filter((f) => f === 0)).toHaveLength(2)
    expect(fold[4]).not.toBe(fold[5])
  })

  it('is reproducible for a seed', () => {
    const y = Int32Array.from({ length: 50 }, (_, i) => i % 3)
    expect(stratifiedFolds(y, 3, 5, mulberry32(9))).toEqual(stratifiedFolds(y, 3, 5, mulberry32(9)))
  })

  it('refuses fewer than two folds', () => {
    expect(() => stratifiedFolds(Int32Array.from([0, 1]), 2, 1, mulberry32(1))).toThrow(
      /folds must be an integer >= 2/,
    )
  })
})

describe('outOfFoldProba', () => {
  function data(n: number, seed: number) {
    const rng = mulberry32(seed)
    const d = 3
    const X = new Float32Array(n * d)
    const y = new Int32Array(n)
    for (let i = 0; i < n; i++) {
      y[i] = i % 3
      for (let f = 0; f < d; f++) X[i * d + f] = (f === y[i] ? 2 : 0) + gaussian(rng)
    }
    return { X, y, d }
  }

  it("never lets a row's own label reach its probabilities", () => {
    // Changing one row's label changes every model except the one that scores that row.
    const n = 60
    const { X, y, d } = data(n, 1)
    const folds = stratifiedFolds(y, 3, 5, mulberry32(2))
    const base = outOfFoldProba(X, n, d, y, 3, folds)
    for (const row of [0, 17, 59]) {
      const flipped = Int32Array.from(y)
      flipped[row] = (y[row]! + 1) % 3
      const after = outOfFoldProba(X, n, d, flipped, 3, folds)
      expect(after.subarray(row * 3, row * 3 + 3)).toEqual(base.subarray(row * 3, row * 3 + 3))
      const sameFoldOther = [...folds.keys()].find((i) => i !== row && folds[i] === folds[row])!
      const otherFold = [...folds.keys()].find((i) => folds[i] !== folds[row])!
      // Sanity: the flip did change what other folds' models predict.
      expect(after.subarray(otherFold * 3, otherFold * 3 + 3)).not.toEqual(
        base.subarray(otherFold * 3, otherFold * 3 + 3),
      )
      expect(after.subarray(sameFoldOther * 3, sameFoldOther * 3 + 3)).toEqual(
        base.subarray(sameFoldOther * 3, sameFoldOther * 3 + 3),
      )
    }
  })

  it('cannot memorise: with one private feature per row, a row gets no hint of its label', () => {
    // X = identity: row i's only non-zero feature is never seen in training when i is held out,
    // so its probabilities are the same as those of any other held-out row of its fold.
    const n = 12
    const X = new Float32Array(n * n)
    for (let i = 0; i < n; i++) X[i * n + i] = 1
    const y = Int32Array.from({ length: n }, (_, i) => i % 2)
    const folds = Int32Array.from({ length: n }, (_, i) => Math.floor(i / 4) % 3)
    const p = outOfFoldProba(X, n, n, y, 2, folds)
    for (let i = 0; i < n; i++) {
      const first = folds.indexOf(folds[i]!)
      expect(p[i * 2]).toBeCloseTo(p[first * 2]!, 6)
    }
    // A model trained on all rows would know every label; out-of-fold it is a coin toss.
    const hits = [...y].filter((label, i) => (p[i * 2 + 1]! > 0.5 ? 1 : 0) === label).length
    expect(hits).toBeLessThanOrEqual(n / 2 + 2)
  })

  it('accepts a fold count and a seed instead of assignments', () => {
    const { X, y, d } = data(45, 3)
    const p = outOfFoldProba(X, 45, d, y, 3, 5, { seed: 4 })
    expect(p).toEqual(outOfFoldProba(X, 45, d, y, 3, stratifiedFolds(y, 3, 5, mulberry32(4))))
    expect(accuracy(y, argmax(p, 3))).toBeGreaterThan(0.7)
  })

  it('refuses folds of the wrong length', () => {
    const { X, y, d } = data(9, 5)
    expect(() => outOfFoldProba(X, 9, d, y, 3, new Int32Array(8))).toThrow(
      /folds has 8 entries but X has 9 rows/,
    )
  })
})

function argmax(p: Float32Array, k: number): Int32Array {
  return Int32Array.from({ length: p.length / k }, (_, i) => {
    let best = 0
    for (let c = 1; c < k; c++) if (p[i * k + c]! > p[i * k + best]!) best = c
    return best
  })
}

describe('accuracy, macroF1, majorityRate', () => {
  const cases: {
    yTrue: number[]
    yPred: number[]
    k: number
    accuracy: number
    macroF1: number
    majority: number
  }[] = [
    // F1_0 = 2·1/(2·1 + 0 + 1) = 2/3, F1_1 = 2·2/(2·2 + 1 + 0) = 4/5; macro = 11/15.
    {
      yTrue: [0, 0, 1, 1],
      yPred: [0, 1, 1, 1],
      k: 2,
      accuracy: 0.75,
      macroF1: 11 / 15,
      majority: 0.5,
    },
    { yTrue: [0, 1, 2], yPred: [0, 1, 2], k: 3, accuracy: 1, macroF1: 1, majority: 1 / 3 },
    // Class 2 occurs nowhere and is left out of the mean; F1_0 = 0, F1_1 = 2/(2 + 1 + 1).
    { yTrue: [0, 1, 1], yPred: [1, 1, 0], k: 3, accuracy: 1 / 3, macroF1: 0.25, majority: 2 / 3 },
    // F1_0 = 0 (never predicted), F1_1 = 2·3/(2·3 + 1 + 0) = 6/7.
    {
      yTrue: [1, 1, 1, 0],
      yPred: [1, 1, 1, 1],
      k: 2,
      accuracy: 0.75,
      macroF1: (0 + 6 / 7) / 2,
      majority: 0.75,
    },
  ]
  it.each(cases)('on $yTrue vs $yPred', (c) => {
    const t = Int32Array.from(c.yTrue)
    const p = Int32Array.from(c.yPred)
    expect(accuracy(t, p)).toBeCloseTo(c.accuracy, 12)
    expect(macroF1(t, p, c.k)).toBeCloseTo(c.macroF1, 12)
    expect(majorityRate(t, c.k)).toBeCloseTo(c.majority, 12)
  })

  it('are NaN on no rows and refuse misaligned inputs', () => {
    expect(accuracy(new Int32Array(0), new Int32Array(0))).toBeNaN()
    expect(majorityRate(new Int32Array(0), 2)).toBeNaN()
    expect(() => accuracy(new Int32Array(2), new Int32Array(3))).toThrow(
      /yTrue has 2 labels but yPred has 3/,
    )
  })
})
