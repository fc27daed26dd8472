import { ConcordError } from '../errors'

/**
 * Confident learning (Northcutt, Jiang & Chuang 2021, "Confident Learning: Estimating
 * Uncertainty in Dataset Labels", JAIR 70, 1373-1411), the "C_confusion off-diagonals" flavour:
 *
 * 1. Per-class threshold t_j = the mean of p_j over the items whose given label is j (eq. 2):
 *    the model's average self-confidence for class j.
 * 2. An item is confidently in class j when p_j >= t_j; when several classes qualify the most
 *    probable of them wins (the paper's collision rule). The confident joint C[i][j] counts the
 *    items with given label i that are confidently in class j (eq. 1).
 * 3. Items off the diagonal (confidently in a class other than their given label) are the likely
 *    label issues, ranked by self-confidence p_given, lowest first (the paper's section 3.3 and
 *    cleanlab's 'self_confidence' order).
 *
 * The probabilities must be out-of-sample (see outOfFoldProba): a model that saw an item's label
 * agrees with it and hides the issue. The comparison p_j >= t_j allows 1e-6 of rounding, as the
 * authors' implementation (cleanlab's compute_confident_joint) does, so that an item exactly at
 * the threshold counts whatever the order of the summation.
 */
export interface ConfidentJoint {
  readonly k: number
  /** t_j; +Infinity for a class no item is labelled with (nothing can be confidently in it). */
  readonly thresholds: Float64Array
  /** k x k row-major: joint[i * k + j] = items given label i, confidently in class j. */
  readonly joint: Int32Array
  /** Per item, the class it is confidently in, or −1 when no class reaches its threshold. */
  readonly confidentClass: Int32Array
}

export interface LabelIssue {
  /** Row of the item in the inputs. */
  readonly index: number
  readonly given: number
  /** The class the item is confidently in. */
  readonly suggested: number
  /** p_given: the model's probability for the given label. */
  readonly selfConfidence: number
}

const THRESHOLD_SLACK = 1e-6

export function confidentJoint(
  given: Int32Array,
  proba: Float32Array | Float64Array,
  k: number,
): ConfidentJoint {
  const n = given.length
  checkInputs(given, proba, k)
  const sums = new Float64Array(k)
  const counts = new Int32Array(k)
  for (let i = 0; i < n; i++) {
    const g = given[i]!
    sums[g]! += proba[i * k + g]!
    counts[g]!++
  }
  const thresholds = new Float64Array(k)
  for (let j = 0; j < k; j++) thresholds[j] = counts[j]! > 0 ? sums[j]! / counts[j]! : Infinity
  const joint = new Int32Array(k * k)
  const confidentClass = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    let best = -1
    let bestP = -Infinity
    for (let j = 0; j < k; j++) {
      const p = proba[i * k + j]!
      if (p >= thresholds[j]! - THRESHOLD_SLACK && p > bestP) {
        best = j
        bestP = p
      }
    }
    confidentClass[i] = best
    if (best >= 0) joint[given[i]! * k + best]!++
  }
  return { k, thresholds, joint, confidentClass }
}

/** The likely label issues, lowest self-confidence first (ties: lower index first). */
export function findLabelIssues(
  given: Int32Array,
  proba: Float32Array | Float64Array,
  k: number,
): LabelIssue[] {
  const { confidentClass } = confidentJoint(given, proba, k)
  const issues: LabelIssue[] = []
  for (let i = 0; i < given.length; i++) {
    const suggested = confidentClass[i]!
    const g = given[i]!
    if (suggested >= 0 && suggested !== g) {
      issues.push({ index: i, given: g, suggested, selfConfidence: proba[i * k + g]! })
    }
  }
  issues.sort((a, b) => a.selfConfidence - b.selfConfidence || a.index - b.index)
  return issues
}

function checkInputs(given: Int32Array, proba: Float32Array | Float64Array, k: number): void {
  if (!Number.isInteger(k) || k < 1) {
    throw new ConcordError('bad_request', `k (the number of classes) must be >= 1, got ${k}`)
  }
  if (proba.length !== given.length * k) {
    throw new ConcordError(
      'bad_request',
      `proba has ${proba.length} values but ${given.length} items x ${k} classes need ` +
        `${given.length * k}`,
    )
  }
  for (let i = 0; i < given.length; i++) {
    const g = given[i]!
    if (g < 0 || g >= k) {
      throw new ConcordError(
        'bad_request',
        `given label ${g} at item ${i} is outside 0..${k - 1}; leave unlabelled items out`,
      )
    }
  }
}
