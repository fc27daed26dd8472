import { ConcordError } from '../errors'
import type { ObjectiveFn } from './lbfgs'
import { minimizeLbfgs } from './lbfgs'
import type { Pace } from './pace'

/**
 * Multinomial logistic regression (softmax regression) with an L2 penalty on the weights, an
 * unpenalised intercept and class-balanced sample weights, fitted by L-BFGS on the full batch.
 *
 * With K' the classes present in y, n_c their counts, w_i = n / (K' n_{y_i}) (each class weighs
 * as much in total as any other, the "balanced" weights of scikit-learn) and z_i = W^T x_i + b:
 *
 *   L(W, b) = (1 / Σ w_i) Σ_i w_i (log Σ_c exp z_ic − z_{i,y_i}) + (l2 / 2) ||W||²
 *
 * This is scikit-learn's LogisticRegression(class_weight='balanced', solver='lbfgs') with
 * l2 = 1 / (C Σ w_i). A class with no example gets zero weights and a bias of
 * ABSENT_CLASS_BIAS, so that it is never predicted instead of pulling its bias to −∞.
 */
export interface LogRegModel {
  /** Feature dimensions. */
  readonly d: number
  /** Classes. */
  readonly k: number
  /** Weights, d x k row-major: W[f * k + c]. */
  readonly W: Float32Array
  /** Intercepts, one per class. */
  readonly b: Float32Array
  /** L-BFGS iterations taken. */
  readonly iterations: number
  /** Objective value at the end (the penalised, weighted mean cross-entropy). */
  readonly loss: number
}

export interface LogRegOptions {
  /**
   * Penalty l2 on the mean loss (default {@link DEFAULT_L2}). Larger means smoother, less
   * confident models; scikit-learn's C is 1 / (l2 x n).
   */
  readonly l2?: number
  /** L-BFGS iterations at most (default {@link DEFAULT_MAX_ITER}). */
  readonly maxIter?: number
  /**
   * Stop when the largest component of the gradient, taken with respect to the weights of the
   * standardised features (see trainOnRows), is at most tol (default {@link DEFAULT_TOL}).
   */
  readonly tol?: number
  /** Class-balanced sample weights (default true). */
  readonly balanced?: boolean
  /** Called between optimiser evaluations (see {@link Pace}). */
  readonly pace?: Pace
}

/**
 * Chosen on Concord's text features (256 dimensions, rows of norm 1): 5-fold spam vs ham on the
 * 6,046 SpamAssassin emails gives accuracy 0.986 at l2 = 1e-5, 0.985 at 1e-4 and 0.978 at
 * 1e-3 (bench/ml.bench.ts prints the table), and 1e-4 converges in about half the iterations
 * of 1e-5. In scikit-learn's terms this is C = 10^4 / n.
 */
export const DEFAULT_L2 = 1e-4
export const DEFAULT_MAX_ITER = 100
/**
 * Gradient components are correlations between residuals and standardised features; below
 * 1e-3 the held-out accuracy no longer moves (spam vs ham: by less than 0.001), while 1e-4
 * takes twice the iterations (50,000 x 256, k = 5: 31 against 16).
 */
export const DEFAULT_TOL = 1e-3
/** Logit of a class that had no training example: exp(-1e4) is 0 even in float64. */
export const ABSENT_CLASS_BIAS = -1e4

export function trainLogReg(
  X: Float32Array,
  n: number,
  d: number,
  y: Int32Array,
  k: number,
  options: LogRegOptions = {},
): LogRegModel {
  checkMatrix(X, n, d, 'X')
  checkLabels(y, n, k)
  return trainOnRows(X, d, y, k, null, options)
}

/**
 * Trains on the given rows of X only (all rows when `rows` is null); cross-validation uses it to
 * avoid copying the training part of X for every fold. Inputs are assumed checked.
 */
export function trainOnRows(
  X: Float32Array,
  d: number,
  y: Int32Array,
  k: number,
  rows: Int32Array | null,
  options: LogRegOptions = {},
): LogRegModel {
  const l2 = options.l2 ?? DEFAULT_L2
  if (!(l2 >= 0) || !Number.isFinite(l2)) {
    throw new ConcordError('bad_request', `l2 must be a finite number >= 0, got ${l2}`)
  }
  const idx = rows ?? identity(y.length)
  const m = idx.length
  if (m === 0) throw new ConcordError('bad_request', 'cannot train on zero rows')
  // Present classes only: an absent class has no data to fit and would make the optimum
  // infinitely far away (its unpenalised bias would go to −∞).
  const counts = new Float64Array(k)
  for (let t = 0; t < m; t++) counts[y[idx[t]!]!]!++
  const present: number[] = []
  const local = new Int32Array(k).fill(-1)
  for (let c = 0; c < k; c++) {
    if (counts[c]! > 0) {
      local[c] = present.length
      present.push(c)
    }
  }
  const kp = present.length
  const balanced = options.balanced ?? true
  const classWeight = new Float64Array(kp)
  for (let j = 0; j < kp; j++) classWeight[j] = balanced ? m / (kp * counts[present[j]!]!) : 1
  const labels = new Int32Array(m)
  for (let t = 0; t < m; t++) labels[t] = local[y[idx[t]!]!]!
  let totalWeight = 0
  for (let t = 0; t < m; t++) totalWeight += classWeight[labels[t]!]!

  // The optimiser works on standardised features, (x - mean) / std: an exact change of
  // variables (W_f = W̃_f / std_f, b = b̃ − Σ_f W_f mean_f, penalty l2 W̃_f² / std_f²), so the
  // optimum is the same, but the problem is far better conditioned when features have unequal
  // scales or means far from zero (the first SVD component of text), and L-BFGS needs several
  // times fewer iterations.
  const { mean, invStd } = columnMoments(X, d, idx)
  const theta = new Float64Array(kp * (d + 1))
  let iterations = 0
  let loss = 0
  if (kp > 1) {
    const objective = makeObjective({
      X,
      d,
      rows: idx,
      labels,
      k: kp,
      classWeight,
      invTotalWeight: 1 / totalWeight,
      l2,
      mean,
      invStd,
    })
    const result = minimizeLbfgs(objective, theta, {
      maxIter: options.maxIter ?? DEFAULT_MAX_ITER,
      tol: options.tol ?? DEFAULT_TOL,
      ...(options.pace ? { pace: options.pace } : {}),
    })
    iterations = result.iterations
    loss = result.value
  }
  const W = new Float32Array(d * k)
  const b = new Float32Array(k).fill(ABSENT_CLASS_BIAS)
  const stride = d + 1
  for (let j = 0; j < kp; j++) {
    const c = present[j]!
    let bias = theta[j * stride + d]!
    for (let f = 0; f < d; f++) {
      const w = theta[j * stride + f]! * invStd[f]!
      W[f * k + c] = w
      bias -= w * mean[f]!
    }
    b[c] = bias
  }
  return Object.freeze({ d, k, W, b, iterations, loss })
}

/** What {@link makeObjective} needs; `labels` are the classes of `rows`, in 0..k-1. */
export interface LogRegProblem {
  readonly X: Float32Array
  readonly d: number
  readonly rows: Int32Array
  readonly labels: Int32Array
  readonly k: number
  readonly classWeight: Float64Array
  readonly invTotalWeight: number
  readonly l2: number
  /** Column means and inverse standard deviations (1 for a constant column). */
  readonly mean: Float64Array
  readonly invStd: Float64Array
}

/**
 * The objective of {@link trainOnRows} in standardised coordinates, and its gradient, for
 * L-BFGS and for the gradient test. Parameters are laid out class by class:
 * theta[c * (d + 1) + f] = W̃[f][c] and theta[c * (d + 1) + d] = b̃[c], so that each class's
 * weights are contiguous for the dot products.
 */
export function makeObjective(problem: LogRegProblem): ObjectiveFn {
  const { X, d, rows, labels, k, classWeight, invTotalWeight, l2, mean, invStd } = problem
  const stride = d + 1
  const penalty = new Float64Array(d)
  for (let f = 0; f < d; f++) penalty[f] = l2 * invStd[f]! * invStd[f]!
  const m = rows.length
  // Scratch reused by every call: the hot loop allocates nothing.
  const za = new Float64Array(k)
  const zb = new Float64Array(k)
  // Weights for the raw features: W̃ x̃ + b̃ = (W̃ / std) x + (b̃ − Σ_f W̃_f mean_f / std_f), so
  // the rows are used as they are and the standardisation costs O(k d) per call, not O(n d).
  const raw = new Float64Array(k * stride)
  const rawGrad = new Float64Array(k * stride)
  return (theta, grad) => {
    for (let c = 0; c < k; c++) {
      const base = c * stride
      let bias = theta[base + d]!
      for (let f = 0; f < d; f++) {
        const w = theta[base + f]! * invStd[f]!
        raw[base + f] = w
        bias -= w * mean[f]!
      }
      raw[base + d] = bias
    }
    rawGrad.fill(0)
    let loss = 0
    // Two rows at a time and up to four classes at a time: each weight and feature loaded
    // serves several products, and each gradient entry is read and written once per pair of
    // rows. Loads and stores, not arithmetic, bound this loop in JavaScript.
    for (let t = 0; t < m; t += 2) {
      const hasB = t + 1 < m
      const offA = rows[t]! * d
      const offB = hasB ? rows[t + 1]! * d : offA
      let c = 0
      for (; c + 3 < k; c += 4) logits4(raw, c * stride, stride, d, X, offA, offB, za, zb, c)
      if (c + 1 < k) {
        logits2(raw, c * stride, stride, d, X, offA, offB, za, zb, c)
        c += 2
      }
      if (c < k) logits1(raw, c * stride, d, X, offA, offB, za, zb, c)
      const ya = labels[t]!
      const wa = classWeight[ya]!
      loss += wa * softmaxResidual(za, k, ya, wa * invTotalWeight)
      if (hasB) {
        const yb = labels[t + 1]!
        const wb = classWeight[yb]!
        loss += wb * softmaxResidual(zb, k, yb, wb * invTotalWeight)
      } else {
        zb.fill(0)
      }
      c = 0
      for (; c + 3 < k; c += 4)
        addGradient4(rawGrad, c * stride, stride, d, X, offA, offB, za, zb, c)
      if (c + 1 < k) {
        addGradient2(rawGrad, c * stride, stride, d, X, offA, offB, za, zb, c)
        c += 2
      }
      if (c < k) addGradient1(rawGrad, c * stride, d, X, offA, offB, za, zb, c)
    }
    loss *= invTotalWeight
    // Back to standardised coordinates: ∂L/∂W̃_f = (Σ r x_f − mean_f Σ r) / std_f.
    for (let c = 0; c < k; c++) {
      const base = c * stride
      const sumR = rawGrad[base + d]!
      grad[base + d] = sumR
      for (let f = 0; f < d; f++) {
        const v = theta[base + f]!
        const pen = penalty[f]!
        loss += 0.5 * pen * v * v
        grad[base + f] = (rawGrad[base + f]! - mean[f]! * sumR) * invStd[f]! + pen * v
      }
    }
    return loss
  }
}

/** za[c..c+3] and zb[c..c+3]: the logits of classes c..c+3 for the rows at X[oa], X[ob]. */
function logits4(
  theta: Float64Array,
  b0: number,
  stride: number,
  d: number,
  X: Float32Array,
  oa: number,
  ob: number,
  za: Float64Array,
  zb: Float64Array,
  c: number,
): void {
  const b1 = b0 + stride
  const b2 = b1 + stride
  const b3 = b2 + stride
  let a0 = theta[b0 + d]!
  let a1 = theta[b1 + d]!
  let a2 = theta[b2 + d]!
  let a3 = theta[b3 + d]!
  let q0 = a0
  let q1 = a1
  let q2 = a2
  let q3 = a3
  for (let f = 0; f < d; f++) {
    const u = X[oa + f]!
    const v = X[ob + f]!
    const w0 = theta[b0 + f]!
    const w1 = theta[b1 + f]!
    const w2 = theta[b2 + f]!
    const w3 = theta[b3 + f]!
    a0 += w0 * u
    a1 += w1 * u
    a2 += w2 * u
    a3 += w3 * u
    q0 += w0 * v
    q1 += w1 * v
    q2 += w2 * v
    q3 += w3 * v
  }
  za[c] = a0
  za[c + 1] = a1
  za[c + 2] = a2
  za[c + 3] = a3
  zb[c] = q0
  zb[c + 1] = q1
  zb[c + 2] = q2
  zb[c + 3] = q3
}

function logits2(
  theta: Float64Array,
  b0: number,
  stride: number,
  d: number,
  X: Float32Array,
  oa: number,
  ob: number,
  za: Float64Array,
  zb: Float64Array,
  c: number,
): void {
  const b1 = b0 + stride
  let a0 = theta[b0 + d]!
  let a1 = theta[b1 + d]!
  let q0 = a0
  let q1 = a1
  for (let f = 0; f < d; f++) {
    const u = X[oa + f]!
    const v = X[ob + f]!
    const w0 = theta[b0 + f]!
    const w1 = theta[b1 + f]!
    a0 += w0 * u
    a1 += w1 * u
    q0 += w0 * v
    q1 += w1 * v
  }
  za[c] = a0
  za[c + 1] = a1
  zb[c] = q0
  zb[c + 1] = q1
}

function logits1(
  theta: Float64Array,
  b0: number,
  d: number,
  X: Float32Array,
  oa: number,
  ob: number,
  za: Float64Array,
  zb: Float64Array,
  c: number,
): void {
  let a0 = theta[b0 + d]!
  let q0 = a0
  let a1 = 0
  let q1 = 0
  let f = 0
  // Two partial sums per row hide the latency of the additions.
  for (; f + 1 < d; f += 2) {
    const w0 = theta[b0 + f]!
    const w1 = theta[b0 + f + 1]!
    a0 += w0 * X[oa + f]!
    q0 += w0 * X[ob + f]!
    a1 += w1 * X[oa + f + 1]!
    q1 += w1 * X[ob + f + 1]!
  }
  if (f < d) {
    a0 += theta[b0 + f]! * X[oa + f]!
    q0 += theta[b0 + f]! * X[ob + f]!
  }
  za[c] = a0 + a1
  zb[c] = q0 + q1
}

/** grad of classes c..c+3 += residuals of rows a and b times their features. */
function addGradient4(
  grad: Float64Array,
  b0: number,
  stride: number,
  d: number,
  X: Float32Array,
  oa: number,
  ob: number,
  ra: Float64Array,
  rb: Float64Array,
  c: number,
): void {
  const b1 = b0 + stride
  const b2 = b1 + stride
  const b3 = b2 + stride
  const r0 = ra[c]!
  const r1 = ra[c + 1]!
  const r2 = ra[c + 2]!
  const r3 = ra[c + 3]!
  const s0 = rb[c]!
  const s1 = rb[c + 1]!
  const s2 = rb[c + 2]!
  const s3 = rb[c + 3]!
  for (let f = 0; f < d; f++) {
    const u = X[oa + f]!
    const v = X[ob + f]!
    grad[b0 + f]! += r0 * u + s0 * v
    grad[b1 + f]! += r1 * u + s1 * v
    grad[b2 + f]! += r2 * u + s2 * v
    grad[b3 + f]! += r3 * u + s3 * v
  }
  grad[b0 + d]! += r0 + s0
  grad[b1 + d]! += r1 + s1
  grad[b2 + d]! += r2 + s2
  grad[b3 + d]! += r3 + s3
}

function addGradient2(
  grad: Float64Array,
  b0: number,
  stride: number,
  d: number,
  X: Float32Array,
  oa: number,
  ob: number,
  ra: Float64Array,
  rb: Float64Array,
  c: number,
): void {
  const b1 = b0 + stride
  const r0 = ra[c]!
  const r1 = ra[c + 1]!
  const s0 = rb[c]!
  const s1 = rb[c + 1]!
  for (let f = 0; f < d; f++) {
    const u = X[oa + f]!
    const v = X[ob + f]!
    grad[b0 + f]! += r0 * u + s0 * v
    grad[b1 + f]! += r1 * u + s1 * v
  }
  grad[b0 + d]! += r0 + s0
  grad[b1 + d]! += r1 + s1
}

function addGradient1(
  grad: Float64Array,
  b0: number,
  d: number,
  X: Float32Array,
  oa: number,
  ob: number,
  ra: Float64Array,
  rb: Float64Array,
  c: number,
): void {
  const r0 = ra[c]!
  const s0 = rb[c]!
  for (let f = 0; f < d; f++) grad[b0 + f]! += r0 * X[oa + f]! + s0 * X[ob + f]!
  grad[b0 + d]! += r0 + s0
}

/** Column means and 1 / standard deviation over the given rows (1 where a column is constant). */
export function columnMoments(
  X: Float32Array,
  d: number,
  rows: Int32Array,
): { mean: Float64Array; invStd: Float64Array } {
  const mean = new Float64Array(d)
  const invStd = new Float64Array(d)
  const m = rows.length
  for (let t = 0; t < m; t++) {
    const off = rows[t]! * d
    for (let f = 0; f < d; f++) mean[f]! += X[off + f]!
  }
  for (let f = 0; f < d; f++) mean[f]! /= m
  // Second pass on deviations: no cancellation when the mean is large against the spread.
  for (let t = 0; t < m; t++) {
    const off = rows[t]! * d
    for (let f = 0; f < d; f++) {
      const dev = X[off + f]! - mean[f]!
      invStd[f]! += dev * dev
    }
  }
  for (let f = 0; f < d; f++) {
    const sd = Math.sqrt(invStd[f]! / m)
    invStd[f] = sd > 1e-12 * (1 + Math.abs(mean[f]!)) ? 1 / sd : 1
  }
  return { mean, invStd }
}

/**
 * Replaces the logits z by the gradient of scale x cross-entropy with respect to them,
 * scale x (softmax(z) − onehot(y)), and returns the cross-entropy −log softmax(z)_y, computed
 * stably (the largest logit is subtracted before exponentiating).
 */
function softmaxResidual(z: Float64Array, k: number, y: number, scale: number): number {
  let max = -Infinity
  for (let c = 0; c < k; c++) if (z[c]! > max) max = z[c]!
  // Kept before z is overwritten: log(e_y) would be −∞ once e_y underflows.
  const zy = z[y]! - max
  let sum = 0
  for (let c = 0; c < k; c++) {
    const e = Math.exp(z[c]! - max)
    z[c] = e
    sum += e
  }
  const s = scale / sum
  for (let c = 0; c < k; c++) z[c]! *= s
  z[y]! -= scale
  return Math.log(sum) - zy
}

/** Class probabilities: a row-major n x k matrix, each row the softmax of W^T x + b. */
export function predictProba(model: LogRegModel, X: Float32Array, n: number): Float32Array {
  const { d, k, W, b } = model
  checkMatrix(X, n, d, 'X')
  if (W.length !== d * k || b.length !== k) {
    throw new ConcordError(
      'bad_request',
      `the model's W has ${W.length} entries and b ${b.length} but d x k = ${d} x ${k}`,
    )
  }
  // Class-major float64 copy of W: contiguous dot products, and float64 sums throughout.
  const Wt = new Float64Array(k * d)
  for (let f = 0; f < d; f++) for (let c = 0; c < k; c++) Wt[c * d + f] = W[f * k + c]!
  const out = new Float32Array(n * k)
  const z = new Float64Array(k)
  for (let i = 0; i < n; i++) {
    const off = i * d
    let max = -Infinity
    for (let c = 0; c < k; c++) {
      const base = c * d
      let s = b[c]!
      for (let f = 0; f < d; f++) s += Wt[base + f]! * X[off + f]!
      z[c] = s
      if (s > max) max = s
    }
    let sum = 0
    for (let c = 0; c < k; c++) {
      const e = Math.exp(z[c]! - max)
      z[c] = e
      sum += e
    }
    const o = i * k
    for (let c = 0; c < k; c++) out[o + c] = z[c]! / sum
  }
  return out
}

/** The most probable class per row of an n x k matrix; the first wins a tie. */
export function argmaxRows(p: Float32Array | Float64Array, n: number, k: number): Int32Array {
  if (p.length !== n * k) {
    throw new ConcordError('bad_request', `expected ${n} x ${k} = ${n * k} values, got ${p.length}`)
  }
  const out = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    let best = 0
    let bestP = p[i * k]!
    for (let c = 1; c < k; c++) {
      const v = p[i * k + c]!
      if (v > bestP) {
        bestP = v
        best = c
      }
    }
    out[i] = best
  }
  return out
}

export function checkMatrix(X: Float32Array, n: number, d: number, name: string): void {
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(d) || d < 1) {
    throw new ConcordError('bad_request', `${name}: n must be an integer >= 0 and d >= 1`)
  }
  if (X.length !== n * d) {
    throw new ConcordError(
      'bad_request',
      `${name} has ${X.length} values but n x d = ${n} x ${d} = ${n * d}`,
    )
  }
  for (let i = 0; i < X.length; i++) {
    const v = X[i]!
    if (v - v !== 0) {
      const row = Math.floor(i / d)
      throw new ConcordError(
        'bad_request',
        `${name} has a non-finite value (${v}) at row ${row}, column ${i - row * d}`,
      )
    }
  }
}

export function checkLabels(y: Int32Array, n: number, k: number): void {
  if (!Number.isInteger(k) || k < 1) {
    throw new ConcordError('bad_request', `k (the number of classes) must be >= 1, got ${k}`)
  }
  if (y.length !== n) {
    throw new ConcordError('bad_request', `y has ${y.length} labels but X has ${n} rows`)
  }
  for (let i = 0; i < n; i++) {
    const c = y[i]!
    if (c < 0 || c >= k) {
      throw new ConcordError(
        'bad_request',
        `label ${c} at row ${i} is outside 0..${k - 1}; leave unlabelled rows out of training`,
      )
    }
  }
}

function identity(n: number): Int32Array {
  const out = new Int32Array(n)
  for (let i = 0; i < n; i++) out[i] = i
  return out
}
