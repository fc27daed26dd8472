import { ConcordError } from '../errors'
import type { Rng } from './random'
import { shuffleInPlace } from './random'

/**
 * Uncertainty scores for active learning (Settles 2009, "Active Learning Literature Survey",
 * section 3.1), per row of a row-major n x k probability matrix.
 */

/** 1 − max_c p_c: 0 for a certain prediction, 1 − 1/k for a uniform one. */
export function leastConfidence(p: Float32Array | Float64Array, k: number): Float64Array {
  const n = rowsOf(p, k)
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let max = 0
    for (let c = 0; c < k; c++) max = Math.max(max, p[i * k + c]!)
    out[i] = 1 - max
  }
  return out
}

/**
 * p_(1) − p_(2), the gap between the two most probable classes: small means uncertain (rank
 * ascending). With one class the margin is 1.
 */
export function margin(p: Float32Array | Float64Array, k: number): Float64Array {
  const n = rowsOf(p, k)
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let first = -Infinity
    let second = -Infinity
    for (let c = 0; c < k; c++) {
      const v = p[i * k + c]!
      if (v > first) {
        second = first
        first = v
      } else if (v > second) second = v
    }
    out[i] = first - (k > 1 ? second : 0)
  }
  return out
}

/** Shannon entropy −Σ p_c ln p_c in nats (0 log 0 = 0): 0 when certain, ln k when uniform. */
export function entropy(p: Float32Array | Float64Array, k: number): Float64Array {
  const n = rowsOf(p, k)
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let h = 0
    for (let c = 0; c < k; c++) {
      const v = p[i * k + c]!
      if (v > 0) h -= v * Math.log(v)
    }
    out[i] = h
  }
  return out
}

export type QueueOrder =
  'default' | 'least-confidence' | 'margin' | 'entropy' | 'random' | 'disagreement' | 'coverage'

export const QUEUE_ORDERS: readonly QueueOrder[] = Object.freeze([
  'default',
  'least-confidence',
  'margin',
  'entropy',
  'random',
  'disagreement',
  'coverage',
])

export interface QueueCandidate {
  readonly id: number
  /** The model's class probabilities for the item, when it has a prediction. */
  readonly proba?: Float32Array | Float64Array | readonly number[]
  /** How much the item's annotators disagree, 0..1 (NaN or absent with fewer than 2 labels). */
  readonly disagreement?: number
  /** Share of labelled items in the item's cluster, 0..1. */
  readonly clusterLabelledShare?: number
}

/**
 * Candidate ids, most useful to label first:
 * - 'default': input order.
 * - 'least-confidence', 'entropy': highest score first; 'margin': smallest margin first.
 * - 'disagreement': most disputed first (items that already have labels).
 * - 'coverage': items from the least-labelled clusters first.
 * - 'random': a shuffle with `rng` (the same seed gives the same order).
 * Items without the score an order needs come after those with it, in input order; ties keep
 * input order too, so the queue is stable from one request to the next.
 */
export function rankForQueue(
  order: QueueOrder,
  candidates: readonly QueueCandidate[],
  rng: Rng,
): number[] {
  if (order === 'default') return candidates.map((c) => c.id)
  if (order === 'random')
    return shuffleInPlace(
      candidates.map((c) => c.id),
      rng,
    )
  const score = scorer(order)
  const scored: { id: number; at: number; score: number }[] = []
  const rest: number[] = []
  candidates.forEach((c, at) => {
    const s = score(c)
    if (s === undefined || Number.isNaN(s)) rest.push(c.id)
    else scored.push({ id: c.id, at, score: s })
  })
  // Every score is "larger is more useful", so one comparison serves all orders.
  scored.sort((a, b) => b.score - a.score || a.at - b.at)
  return [...scored.map((s) => s.id), ...rest]
}

function scorer(
  order: Exclude<QueueOrder, 'default' | 'random'>,
): (c: QueueCandidate) => number | undefined {
  switch (order) {
    case 'least-confidence':
      return (c) => (c.proba && c.proba.length > 0 ? 1 - Math.max(...c.proba) : undefined)
    case 'margin':
      return (c) => {
        if (!c.proba || c.proba.length === 0) return undefined
        const p = Float64Array.from(c.proba)
        return -margin(p, p.length)[0]!
      }
    case 'entropy':
      return (c) => {
        if (!c.proba || c.proba.length === 0) return undefined
        const p = Float64Array.from(c.proba)
        return entropy(p, p.length)[0]!
      }
    case 'disagreement':
      return (c) => c.disagreement
    case 'coverage':
      return (c) => (c.clusterLabelledShare === undefined ? undefined : -c.clusterLabelledShare)
    default: {
      const never: never = order
      throw new ConcordError('bad_request', `unknown queue order ${String(never)}`)
    }
  }
}

function rowsOf(p: Float32Array | Float64Array, k: number): number {
  if (!Number.isInteger(k) || k < 1) {
    throw new ConcordError('bad_request', `k (the number of classes) must be >= 1, got ${k}`)
  }
  if (p.length % k !== 0) {
    throw new ConcordError(
      'bad_request',
      `a probability matrix with ${k} columns cannot have ${p.length} values`,
    )
  }
  return p.length / k
}
