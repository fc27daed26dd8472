import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ConcordError } from '../errors'
import {
  ABSENT_CLASS_BIAS,
  argmaxRows,
  columnMoments,
  makeObjective,
  predictProba,
  trainLogReg,
} from './logreg'
import type { LogRegModel } from './logreg'
import { gaussian, mulberry32 } from './random'

/** n points per class around the given centres with unit-variance noise times `spread`. */
function blobs(centres: number[][], n: number, spread: number, seed: number) {
  const rng = mulberry32(seed)
  const d = centres[0]!.length
  const X = new Float32Array(centres.length * n * d)
  const y = new Int32Array(centres.length * n)
  let row = 0
  centres.forEach((centre, c) => {
    for (let i = 0; i < n; i++, row++) {
      y[row] = c
      for (let f = 0; f < d; f++) X[row * d + f] = centre[f]! + spread * gaussian(rng)
    }
  })
  return { X, y, n: row, d }
}

function accuracyOf(model: LogRegModel, X: Float32Array, y: Int32Array): number {
  const pred = argmaxRows(predictProba(model, X, y.length), y.length, model.k)
  let hits = 0
  for (let i = 0; i < y.length; i++) if (pred[i] === y[i]) hits++
  return hits / y.length
}

describe('makeObjective', () => {
  it('returns the gradient that central finite differences measure', () => {
    const rng = mulberry32(3)
    const n = 23
    const d = 4
    const k = 3
    const X = new Float32Array(n * d).map(() => 2 * gaussian(rng) + 1)
    const rows = Int32Array.from({ length: n }, (_, i) => i)
    const labels = Int32Array.from({ length: n }, (_, i) => (i * 7) % k)
    const classWeight = Float64Array.from([0.7, 1.9, 1.1])
    let total = 0
    for (const l of labels) total += classWeight[l]!
    const { mean, invStd } = columnMoments(X, d, rows)
    const objective = makeObjective({
      X,
      d,
      rows,
      labels,
      k,
      classWeight,
      invTotalWeight: 1 / total,
      l2: 0.3,
      mean,
      invStd,
    })
    const theta = Float64Array.from({ length: k * (d + 1) }, () => gaussian(rng))
    const grad = new Float64Array(theta.length)
    objective(theta, grad)
    const scratch = new Float64Array(theta.length)
    const h = 1e-6
    for (let p = 0; p < theta.length; p++) {
      const plus = Float64Array.from(theta)
      const minus = Float64Array.from(theta)
      plus[p]! += h
      minus[p]! -= h
      const numeric = (objective(plus, scratch) - objective(minus, scratch)) / (2 * h)
      expect(Math.abs(numeric - grad[p]!)).toBeLessThan(1e-7 * Math.max(1, Math.abs(numeric)))
    }
  })

  it('is the weighted mean cross-entropy plus the penalty (hand-computed case)', () => {
    // One feature, two rows x = 0 and x = 2 (mean 1, std 1), classes 0 and 1, weights 1.
    // theta = [W̃_0, b̃_0, W̃_1, b̃_1] = [0, 0, 1, 0]: standardised x̃ = -1, 1, logits (0, ∓1).
    // Loss = ½ [log(1 + e^-1) + log(1 + e^-1)] + ½ · 0.5 · 1² = 0.313261687518 + 0.25.
    const objective = makeObjective({
      X: Float32Array.from([0, 2]),
      d: 1,
      rows: Int32Array.from([0, 1]),
      labels: Int32Array.from([0, 1]),
      k: 2,
      classWeight: Float64Array.from([1, 1]),
      invTotalWeight: 0.5,
      l2: 0.5,
      mean: Float64Array.from([1]),
      invStd: Float64Array.from([1]),
    })
    const value = objective(Float64Array.from([0, 0, 1, 0]), new Float64Array(4))
    expect(value).toBeCloseTo(Math.log(1 + Math.exp(-1)) + 0.25, 12)
  })
})

describe('trainLogReg', () => {
  it('matches scipy on a small weighted 3-class problem', () => {
    // scipy 1.17 L-BFGS-B on the same objective (balanced weights, l2 = 0.1, gtol 1e-12):
    // loss 0.9051631800677724, W and b as below.
    const X = Float32Array.from([
      0, 1, 0.5, 0.8, 1, 0, 0.9, 0.3, 0.2, 0.1, 0, 0, -0.3, 0.4, 0.6, 0.6, 1.2, 0.9,
    ])
    const y = Int32Array.from([0, 0, 1, 1, 2, 2, 2, 2, 2])
    const model = trainLogReg(X, 9, 2, y, 3, { l2: 0.1, tol: 1e-9 })
    const W = [-0.4649514, 0.8333521, -0.3684007, 0.9151686, -0.69827711, -0.21689149]
    const b = [-0.21887007, -0.14019134, 0.35906141]
    expect(model.loss).toBeCloseTo(0.9051631800677724, 7)
    W.forEach((w, i) => expect(model.W[i]).toBeCloseTo(w, 5))
    b.forEach((v, i) => expect(model.b[i]).toBeCloseTo(v, 5))
  })

  it('separates separable classes completely', () => {
    const { X, y, n, d } = blobs(
      [
        [0, 0],
        [6, 0],
        [0, 6],
        [6, 6],
      ],
      50,
      0.8,
      1,
    )
    const model = trainLogReg(X, n, d, y, 4)
    expect(accuracyOf(model, X, y)).toBe(1)
    expect(model.iterations).toBeGreaterThan(0)
  })

  it('ends at a stationary point of the original (unstandardised) objective', () => {
    const { X, y, n, d } = blobs(
      [
        [10, -3, 0.5],
        [11, -2, 0.4],
      ],
      40,
      1,
      2,
    )
    const l2 = 0.01
    const model = trainLogReg(X, n, d, y, 2, { l2, tol: 1e-10, balanced: false })
    const theta = new Float64Array(2 * (d + 1))
    for (let c = 0; c < 2; c++) {
      for (let f = 0; f < d; f++) theta[c * (d + 1) + f] = model.W[f * 2 + c]!
      theta[c * (d + 1) + d] = model.b[c]!
    }
    const grad = new Float64Array(theta.length)
    makeObjective({
      X,
      d,
      rows: Int32Array.from({ length: n }, (_, i) => i),
      labels: y,
      k: 2,
      classWeight: Float64Array.from([1, 1]),
      invTotalWeight: 1 / n,
      l2,
      mean: new Float64Array(d),
      invStd: new Float64Array(d).fill(1),
    })(theta, grad)
    // float32 rounding of W and b bounds how small this can be.
    for (const g of grad) expect(Math.abs(g)).toBeLessThan(1e-4)
  })

  it('class balancing moves the decision towards the minority class', () => {
    // 1-D, overlapping: 190 rows of class 0 around 0, 10 rows of class 1 around 1.5.
    const rng = mulberry32(4)
    const n = 200
    const X = new Float32Array(n)
    const y = new Int32Array(n)
    for (let i = 0; i < n; i++) {
      y[i] = i < 190 ? 0 : 1
      X[i] = (y[i] === 1 ? 1.5 : 0) + gaussian(rng)
    }
    const plain = trainLogReg(X, n, 1, y, 2, { balanced: false })
    const balanced = trainLogReg(X, n, 1, y, 2)
    // The decision boundary is where the two logits are equal: x = (b0 − b1) / (W1 − W0).
    const boundary = (m: LogRegModel) => (m.b[0]! - m.b[1]!) / (m.W[1]! - m.W[0]!)
    expect(boundary(balanced)).toBeLessThan(boundary(plain) - 1)
    const recall = (m: LogRegModel) => {
      const pred = argmaxRows(predictProba(m, X, n), n, 2)
      let hits = 0
      for (let i = 190; i < n; i++) hits += pred[i]!
      return hits / 10
    }
    expect(recall(balanced)).toBeGreaterThan(recall(plain))
  })

  it('gives a class without examples probability 0 and still sums to 1', () => {
    const { X, y, n, d } = blobs(
      [
        [0, 0],
        [4, 4],
      ],
      20,
      1,
      5,
    )
    const model = trainLogReg(X, n, d, y, 3)
    expect(model.b[2]).toBe(ABSENT_CLASS_BIAS)
    const p = predictProba(model, X, n)
    for (let i = 0; i < n; i++) {
      expect(p[i * 3 + 2]).toBe(0)
      expect(p[i * 3]! + p[i * 3 + 1]!).toBeCloseTo(1, 6)
    }
  })

  it('predicts the only class with probability 1 when y has one class', () => {
    const X = Float32Array.from([1, 2, 3])
    const model = trainLogReg(X, 3, 1, Int32Array.from([1, 1, 1]), 2)
    expect([...predictProba(model, X, 3)]).toEqual([0, 1, 0, 1, 0, 1])
  })

  it('is deterministic', () => {
    const { X, y, n, d } = blobs(
      [
        [0, 1],
        [1, 0],
        [1, 1],
      ],
      30,
      0.7,
      6,
    )
    expect(trainLogReg(X, n, d, y, 3)).toEqual(trainLogReg(X, n, d, y, 3))
  })

  const badInputs: { name: string; run: () => unknown; message: RegExp }[] = [
    {
      name: 'X shorter than n x d',
      run: () => trainLogReg(new Float32Array(5), 3, 2, new Int32Array(3), 2),
      message: /X has 5 values but n x d = 3 x 2 = 6/,
    },
    {
      name: 'y of another length',
      run: () => trainLogReg(new Float32Array(6), 3, 2, new Int32Array(2), 2),
      message: /y has 2 labels but X has 3 rows/,
    },
    {
      name: 'label out of range',
      run: () => trainLogReg(new Float32Array(4), 2, 2, Int32Array.from([0, -1]), 2),
      message: /label -1 at row 1 is outside 0..1/,
    },
    {
      name: 'NaN feature',
      run: () => trainLogReg(Float32Array.from([0, NaN]), 1, 2, Int32Array.from([0]), 2),
      message: /non-finite value \(NaN\) at row 0, column 1/,
    },
    {
      name: 'negative l2',
      run: () => trainLogReg(new Float32Array(2), 1, 2, Int32Array.from([0]), 2, { l2: -1 }),
      message: /l2 must be a finite number >= 0/,
    },
  ]
  it.each(badInputs)('refuses $name with a message that says what to fix', ({ run, message }) => {
    expect(run).toThrow(ConcordError)
    expect(run).toThrow(message)
  })
})

describe('predictProba', () => {
  it('gives rows that sum to 1, for any weights, even huge ones', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer(),
        fc.constantFrom(1, 1e3, 1e30),
        (k, d, seed, scale) => {
          const rng = mulberry32(seed)
          const model: LogRegModel = {
            d,
            k,
            W: Float32Array.from({ length: d * k }, () => scale * gaussian(rng)),
            b: Float32Array.from({ length: k }, () => scale * gaussian(rng)),
            iterations: 0,
            loss: 0,
          }
          const X = Float32Array.from({ length: 4 * d }, () => gaussian(rng))
          const p = predictProba(model, X, 4)
          for (let i = 0; i < 4; i++) {
            let sum = 0
            for (let c = 0; c < k; c++) {
              const v = p[i * k + c]!
              expect(v >= 0 && v <= 1).toBe(true)
              sum += v
            }
            expect(sum).toBeCloseTo(1, 6)
          }
        },
      ),
    )
  })

  it('computes the softmax of XW + b (hand-computed case)', () => {
    // x = (1, 2), W = [[1, 0], [0, 1]], b = (0, 1): logits (1, 3), p = (1, e²) / (1 + e²).
    const model: LogRegModel = {
      d: 2,
      k: 2,
      W: Float32Array.from([1, 0, 0, 1]),
      b: Float32Array.from([0, 1]),
      iterations: 0,
      loss: 0,
    }
    const p = predictProba(model, Float32Array.from([1, 2]), 1)
    expect(p[0]).toBeCloseTo(1 / (1 + Math.exp(2)), 7)
    expect(p[1]).toBeCloseTo(Math.exp(2) / (1 + Math.exp(2)), 7)
  })

  it('refuses X of the wrong width', () => {
    const model = trainLogReg(Float32Array.from([0, 1]), 2, 1, Int32Array.from([0, 1]), 2)
    expect(() => predictProba(model, new Float32Array(3), 2)).toThrow(/X has 3 values/)
  })
})

describe('argmaxRows', () => {
  it.each([
    { p: [0.2, 0.5, 0.3], k: 3, expected: [1] },
    { p: [0.5, 0.5, 0.1, 0.9], k: 2, expected: [0, 1] },
    { p: [1], k: 1, expected: [0] },
  ])('argmax of $p (k = $k) is $expected, first wins ties', ({ p, k, expected }) => {
    expect([...argmaxRows(Float32Array.from(p), p.length / k, k)]).toEqual(expected)
  })
})
