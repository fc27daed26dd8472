import { MetricsInputError } from './errors'
import type { Value } from './table'
import { show } from './table'

/** Krippendorff's levels of measurement. */
export type Level = 'nominal' | 'ordinal' | 'interval' | 'ratio'

export const LEVELS: readonly Level[] = Object.freeze(['nominal', 'ordinal', 'interval', 'ratio'])

export function assertLevel(level: unknown): asserts level is Level {
  if (!LEVELS.includes(level as Level)) {
    throw new MetricsInputError(
      'invalid-option',
      `level must be one of ${LEVELS.join(', ')}, got ${String(level)}`,
    )
  }
}

/**
 * The numeric values of the categories for the interval and ratio levels. Throws
 * {@link MetricsInputError} when a category is not a number, or (ratio) is negative.
 */
export function numericValues(categories: readonly Value[], level: Level): Float64Array {
  const out = new Float64Array(categories.length)
  categories.forEach((c, i) => {
    if (typeof c !== 'number') {
      throw new MetricsInputError(
        'non-numeric-value',
        `value ${show(c)} is not numeric; the ${level} level needs numbers`,
      )
    }
    if (level === 'ratio' && c < 0) {
      throw new MetricsInputError(
        'negative-value',
        `value ${c} is negative; the ratio level needs values >= 0`,
      )
    }
    out[i] = c
  })
  return out
}

/**
 * Krippendorff's ordinal metric as a difference of positions (Krippendorff 2011, "Computing
 * Krippendorff's Alpha-Reliability", section E.c):
 *
 *   ordinal δ²_ck = ( Σ_{g=c..k} n_g − (n_c + n_k)/2 )²  for c <= k.
 *
 * With cumulative marginals C_c = n_1 + ... + n_c and a_c = C_{c−1} + n_c/2 (the mid-rank of
 * category c), Σ_{g=c..k} n_g − (n_c + n_k)/2 = a_k − a_c, so δ²_ck = (a_k − a_c)²: the
 * ordinal metric is the interval metric on mid-ranks. This returns the a_c.
 */
export function ordinalPositions(marginals: ArrayLike<number>): Float64Array {
  const out = new Float64Array(marginals.length)
  let cumulative = 0
  for (let c = 0; c < marginals.length; c++) {
    const n = marginals[c] as number
    out[c] = cumulative + n / 2
    cumulative += n
  }
  return out
}

/** Krippendorff's ratio metric δ²_ck = ((c − k)/(c + k))², 0 when c = k = 0. */
export function ratioDelta(c: number, k: number): number {
  const s = c + k
  if (s === 0) return 0
  const d = (c - k) / s
  return d * d
}

/**
 * The K x K matrix of squared differences δ²_ck for a level (row-major). `values` are the
 * category values (interval, ratio); `marginals` the pairable-value marginals n_c (ordinal).
 */
export function deltaMatrix(
  level: Level,
  k: number,
  values: Float64Array | undefined,
  marginals: ArrayLike<number>,
): Float64Array {
  const d = new Float64Array(k * k)
  const x =
    level === 'ordinal' ? ordinalPositions(marginals) : level === 'nominal' ? undefined : values
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < k; j++) {
      if (c === j) continue
      if (level === 'nominal' || !x) d[c * k + j] = 1
      else if (level === 'ratio') d[c * k + j] = ratioDelta(x[c] as number, x[j] as number)
      else {
        const diff = (x[c] as number) - (x[j] as number)
        d[c * k + j] = diff * diff
      }
    }
  }
  return d
}
