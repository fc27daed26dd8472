import { ConcordError } from '../errors'
import type { LogRegOptions } from './logreg'
import { checkLabels, checkMatrix, predictProba, trainOnRows } from './logreg'
import type { Rng } from './random'
import { mulberry32, shuffleInPlace } from './random'

/**
 * Stratified k-fold assignment: the fold (0..folds-1) of each row, such that every fold gets the
 * same share of each class, up to one row. Within a class the rows are shuffled with `rng`, then
 * dealt round-robin; the deal continues across classes where the previous class stopped, so
 * the fold sizes also differ by at most one (as scikit-learn's StratifiedKFold).
 * Example: y = [0, 0, 0, 0, 1, 1], 2 folds: each fold gets two 0s and one 1.
 */
export function stratifiedFolds(y: Int32Array, k: number, folds: number, rng: Rng): Int32Array {
  checkLabels(y, y.length, k)
  if (!Number.isInteger(folds) || folds < 2) {
    throw new ConcordError('bad_request', `folds must be an integer >= 2, got ${folds}`)
  }
  const byClass: number[][] = Array.from({ length: k }, () => [])
  for (let i = 0; i < y.length; i++) byClass[y[i]!]!.push(i)
  const out = new Int32Array(y.length)
  let next = 0
  for (const rows of byClass) {
    shuffleInPlace(rows, rng)
    for (const row of rows) {
      out[row] = next
      next = (next + 1) % folds
    }
  }
  return out
}

export interface OutOfFoldOptions extends LogRegOptions {
  /** Seeds the fold assignment when `folds` is a count (default 0). */
  readonly seed?: number
}

/**
 * Out-of-fold class probabilities (n x k): the probabilities of each row come from a model
 * trained on the other folds only, so no row is scored by a model that saw its label. This is
 * what confident learning and honest accuracy estimates need.
 *
 * `folds` is either a fold per row (as from {@link stratifiedFolds}) or a number of folds, in
 * which case stratified folds are drawn with `options.seed`.
 */
export function outOfFoldProba(
  X: Float32Array,
  n: number,
  d: number,
  y: Int32Array,
  k: number,
  folds: Int32Array | number,
  options: OutOfFoldOptions = {},
): Float32Array {
  checkMatrix(X, n, d, 'X')
  checkLabels(y, n, k)
  const fold =
    typeof folds === 'number' ? stratifiedFolds(y, k, folds, mulberry32(options.seed ?? 0)) : folds
  if (fold.length !== n) {
    throw new ConcordError('bad_request', `folds has ${fold.length} entries but X has ${n} rows`)
  }
  let count = 0
  for (let i = 0; i < n; i++) {
    const f = fold[i]!
    if (f < 0) throw new ConcordError('bad_request', `row ${i} has a negative fold (${f})`)
    if (f + 1 > count) count = f + 1
  }
  const out = new Float32Array(n * k)
  for (let f = 0; f < count; f++) {
    const train: number[] = []
    const test: number[] = []
    for (let i = 0; i < n; i++) (fold[i] === f ? test : train).push(i)
    if (test.length === 0) continue
    if (train.length === 0) {
      throw new ConcordError('bad_request', `fold ${f} holds every row; use at least two folds`)
    }
    const model = trainOnRows(X, d, y, k, Int32Array.from(train), options)
    const Xt = new Float32Array(test.length * d)
    for (let t = 0; t < test.length; t++) {
      Xt.set(X.subarray(test[t]! * d, test[t]! * d + d), t * d)
    }
    const p = predictProba(model, Xt, test.length)
    for (let t = 0; t < test.length; t++) out.set(p.subarray(t * k, t * k + k), test[t]! * k)
  }
  return out
}

/** Share of rows where the prediction equals the truth (NaN for no rows). */
export function accuracy(yTrue: Int32Array, yPred: Int32Array): number {
  sameLength(yTrue, yPred)
  if (yTrue.length === 0) return NaN
  let hits = 0
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hits++
  return hits / yTrue.length
}

/**
 * Macro-averaged F1: the unweighted mean over classes of F1_c = 2 TP_c / (2 TP_c + FP_c + FN_c).
 * Classes that occur in neither yTrue nor yPred are left out of the mean (their F1 is 0/0);
 * scikit-learn's f1_score(average='macro') does the same when called without `labels`.
 * Example: yTrue [0, 0, 1, 1], yPred [0, 1, 1, 1]: F1_0 = 2/3, F1_1 = 4/5, macro 0.7333.
 */
export function macroF1(yTrue: Int32Array, yPred: Int32Array, k: number): number {
  sameLength(yTrue, yPred)
  checkLabels(yTrue, yTrue.length, k)
  checkLabels(yPred, yPred.length, k)
  const tp = new Float64Array(k)
  const fp = new Float64Array(k)
  const fn = new Float64Array(k)
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i]!
    const p = yPred[i]!
    if (t === p) tp[t]!++
    else {
      fp[p]!++
      fn[t]!++
    }
  }
  let sum = 0
  let classes = 0
  for (let c = 0; c < k; c++) {
    const denominator = 2 * tp[c]! + fp[c]! + fn[c]!
    if (denominator === 0) continue
    sum += (2 * tp[c]!) / denominator
    classes++
  }
  return classes === 0 ? NaN : sum / classes
}

/** The share of the most frequent class: the accuracy of always guessing it (NaN for none). */
export function majorityRate(y: Int32Array, k: number): number {
  checkLabels(y, y.length, k)
  if (y.length === 0) return NaN
  const counts = new Int32Array(k)
  for (let i = 0; i < y.length; i++) counts[y[i]!]!++
  let max = 0
  for (let c = 0; c < k; c++) if (counts[c]! > max) max = counts[c]!
  return max / y.length
}

function sameLength(a: Int32Array, b: Int32Array): void {
  if (a.length !== b.length) {
    throw new ConcordError(
      'bad_request',
      `yTrue has ${a.length} labels but yPred has ${b.length}; they must be aligned by row`,
    )
  }
}
