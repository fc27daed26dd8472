import type { Level } from './distance'
import { assertLevel, numericValues, ordinalPositions, ratioDelta } from './distance'
import type { ItemCounts } from './item-counts'
import { annotatorsIn, itemCounts } from './item-counts'
import type { MetricResult } from './result'
import { Reasons, result } from './result'
import type { AnnotationTable } from './table'

export interface AlphaOptions {
  /** Level of measurement; default 'nominal'. */
  readonly level?: Level
}

export interface AlphaResult extends MetricResult {
  readonly level: Level | 'custom'
  /** D_o = Σ_ck o_ck δ²_ck / n. */
  readonly observedDisagreement: number
  /** D_e = Σ_ck n_c n_k δ²_ck / (n (n − 1)). */
  readonly expectedDisagreement: number
}

/**
 * How differences between categories are measured. `interval`/`ratio` carry the category
 * values, `ordinal` derives positions from the marginals, `matrix`/`function` give any
 * distance δ² with δ²_cc = 0 (e.g. MASI for sets of labels).
 */
export type AlphaMetric =
  | { readonly kind: 'nominal' }
  | { readonly kind: 'ordinal' }
  | { readonly kind: 'interval'; readonly values: Float64Array }
  | { readonly kind: 'ratio'; readonly values: Float64Array }
  | { readonly kind: 'matrix'; readonly delta: Float64Array }
  | { readonly kind: 'function'; readonly delta: (c: number, k: number) => number }

/**
 * Krippendorff's alpha for any number of annotators, missing values allowed.
 *
 * Krippendorff, K. (2011). "Computing Krippendorff's Alpha-Reliability." Annenberg School
 * for Communication, University of Pennsylvania. https://repository.upenn.edu/asc_papers/43
 *
 * With n_uc the number of values c in unit u, m_u = Σ_c n_uc, and only units with m_u >= 2
 * ("pairable"; the others are ignored), the coincidence matrix is
 *
 *   o_ck = Σ_u n_uc (n_uk − [c = k]) / (m_u − 1),   n_c = Σ_k o_ck,   n = Σ_c n_c,
 *
 * and   α = 1 − D_o / D_e = 1 − (n − 1) Σ_ck o_ck δ²_ck / Σ_ck n_c n_k δ²_ck
 *
 * with δ² nominal: [c ≠ k]; ordinal: (Σ_{g=c..k} n_g − (n_c + n_k)/2)²; interval: (c − k)²;
 * ratio: ((c − k)/(c + k))².
 *
 * The nominal, ordinal and interval sums are evaluated in closed form per unit
 * (Σ_ck n_uc n_uk (x_c − x_k)² = 2 m_u Σ_c n_uc (x_c − x̄_u)²), so the cost is O(values),
 * with compensated summation over units.
 *
 * Undefined: no pairable unit ("no pairable units"), or D_e = 0 ("expected disagreement is
 * zero", every pairable value identical): `NaN` with the reason.
 *
 * Example (Krippendorff 2011, reliability data with missing values, 4 observers x 12 units):
 * nominal 0.743, ordinal 0.815, interval 0.849, ratio 0.797.
 * ```ts
 * krippendorffAlpha(table, { level: 'interval' }).value // 0.849
 * ```
 */
export function krippendorffAlpha(table: AnnotationTable, options: AlphaOptions = {}): AlphaResult {
  const level = options.level ?? 'nominal'
  assertLevel(level)
  const metric = metricFor(level, table.categories.length, table.categories)
  const counts = itemCounts(table)
  return alphaFromItemCounts(counts, metric, annotatorsIn(table, 2), level)
}

/** The {@link AlphaMetric} for a level; validates numeric values for interval and ratio. */
export function metricFor(
  level: Level,
  k: number,
  categories: readonly (string | number)[],
): AlphaMetric {
  if (level === 'nominal') return { kind: 'nominal' }
  if (level === 'ordinal') return { kind: 'ordinal' }
  const values = numericValues(categories.slice(0, k), level)
  return level === 'interval' ? { kind: 'interval', values } : { kind: 'ratio', values }
}

/**
 * Alpha from per-item category counts (the engine behind {@link krippendorffAlpha}, the
 * MASI alpha and the per-label alphas).
 */
export function alphaFromItemCounts(
  ic: ItemCounts,
  metric: AlphaMetric,
  annotators: number,
  level: Level | 'custom',
): AlphaResult {
  const k = ic.categories
  const { start, category, count, ratings } = ic
  const marginals = new Float64Array(k)
  let units = 0
  let n = 0
  // Pass 1: marginals of pairable values.
  for (let i = 0; i < ic.items; i++) {
    const m = ratings[i] as number
    if (m < 2) continue
    units++
    n += m
    for (let p = start[i] as number; p < (start[i + 1] as number); p++) {
      const c = category[p] as number
      marginals[c] = (marginals[c] as number) + (count[p] as number)
    }
  }
  const counts = { items: units, annotators, pairableValues: n, categories: k }
  const extra = { level, observedDisagreement: Number.NaN, expectedDisagreement: Number.NaN }
  if (units === 0) return result(Number.NaN, counts, Reasons.noPairableUnits, extra)

  // Pass 2: observed disagreement numerator Σ_ck o_ck δ²_ck, and the expected one.
  let observed = 0
  let expected = 0
  if (metric.kind === 'nominal') {
    // Σ_{c≠k} o_ck = Σ_u (m_u² − Σ_c n_uc²) / (m_u − 1)
    let sum = 0
    let comp = 0
    for (let i = 0; i < ic.items; i++) {
      const m = ratings[i] as number
      if (m < 2) continue
      let sq = 0
      for (let p = start[i] as number; p < (start[i + 1] as number); p++) {
        const c = count[p] as number
        sq += c * c
      }
      if (sq === m * m) continue
      const x = (m * m - sq) / (m - 1)
      const t = sum + x
      if (Math.abs(sum) >= Math.abs(x)) comp += sum - t + x
      else comp += x - t + sum
      sum = t
    }
    observed = sum + comp
    let sq = 0
    for (let c = 0; c < k; c++) sq += (marginals[c] as number) * (marginals[c] as number)
    expected = n * n - sq
  } else if (metric.kind === 'interval' || metric.kind === 'ordinal') {
    const x = metric.kind === 'interval' ? metric.values : ordinalPositions(marginals)
    let sum = 0
    let comp = 0
    for (let i = 0; i < ic.items; i++) {
      const m = ratings[i] as number
      if (m < 2) continue
      const lo = start[i] as number
      const hi = start[i + 1] as number
      if (hi - lo < 2) continue
      let s = 0
      for (let p = lo; p < hi; p++) s += (count[p] as number) * (x[category[p] as number] as number)
      const mean = s / m
      let ss = 0
      for (let p = lo; p < hi; p++) {
        const d = (x[category[p] as number] as number) - mean
        ss += (count[p] as number) * d * d
      }
      const v = (2 * m * ss) / (m - 1)
      const t = sum + v
      if (Math.abs(sum) >= Math.abs(v)) comp += sum - t + v
      else comp += v - t + sum
      sum = t
    }
    observed = sum + comp
    let s = 0
    for (let c = 0; c < k; c++) s += (marginals[c] as number) * (x[c] as number)
    const mean = s / n
    let ss = 0
    let ssComp = 0
    for (let c = 0; c < k; c++) {
      const d = (x[c] as number) - mean
      const v = (marginals[c] as number) * d * d
      const t = ss + v
      if (Math.abs(ss) >= Math.abs(v)) ssComp += ss - t + v
      else ssComp += v - t + ss
      ss = t
    }
    expected = 2 * n * (ss + ssComp)
  } else {
    const delta = pairDistance(metric, k)
    let sum = 0
    let comp = 0
    for (let i = 0; i < ic.items; i++) {
      const m = ratings[i] as number
      if (m < 2) continue
      const lo = start[i] as number
      const hi = start[i + 1] as number
      let v = 0
      for (let p = lo; p < hi; p++) {
        const cp = category[p] as number
        const np = count[p] as number
        for (let q = p + 1; q < hi; q++) {
          v += np * (count[q] as number) * delta(cp, category[q] as number)
        }
      }
      if (v === 0) continue
      v = (2 * v) / (m - 1)
      const t = sum + v
      if (Math.abs(sum) >= Math.abs(v)) comp += sum - t + v
      else comp += v - t + sum
      sum = t
    }
    observed = sum + comp
    expected = expectedFromMarginals(marginals, delta)
  }
  return finishAlpha(observed, expected, n, counts, level)
}

/**
 * Alpha from a K x K coincidence matrix o (row-major), e.g. the two-annotator matrices of the
 * pairwise breakdown or a bootstrap replicate: n_c = Σ_k o_ck and the same formula.
 */
export function alphaFromCoincidences(
  o: Float64Array,
  k: number,
  metric: AlphaMetric,
  counts: { items: number; annotators: number },
  level: Level | 'custom',
): AlphaResult {
  const marginals = new Float64Array(k)
  let n = 0
  for (let c = 0; c < k; c++) {
    let s = 0
    for (let j = 0; j < k; j++) s += o[c * k + j] as number
    marginals[c] = s
    n += s
  }
  const full = { ...counts, pairableValues: n, categories: k }
  if (n === 0) {
    return result(Number.NaN, full, Reasons.noPairableUnits, {
      level,
      observedDisagreement: Number.NaN,
      expectedDisagreement: Number.NaN,
    })
  }
  let delta: (c: number, j: number) => number
  if (metric.kind === 'ordinal' || metric.kind === 'interval') {
    const x = metric.kind === 'interval' ? metric.values : ordinalPositions(marginals)
    delta = (c, j) => ((x[c] as number) - (x[j] as number)) ** 2
  } else delta = pairDistance(metric, k)
  let observed = 0
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < k; j++) {
      const v = o[c * k + j] as number
      if (v !== 0 && c !== j) observed += v * delta(c, j)
    }
  }
  return finishAlpha(observed, expectedFromMarginals(marginals, delta), n, full, level)
}

function finishAlpha(
  observed: number,
  expected: number,
  n: number,
  counts: { items: number; annotators: number; pairableValues: number; categories: number },
  level: Level | 'custom',
): AlphaResult {
  const extra = {
    level,
    observedDisagreement: observed / n,
    expectedDisagreement: expected / (n * (n - 1)),
  }
  if (!(expected > 0)) return result(Number.NaN, counts, Reasons.expectedDisagreementZero, extra)
  return result(1 - ((n - 1) * observed) / expected, counts, undefined, extra)
}

/** Σ_{c≠k} n_c n_k δ²_ck over the used categories. */
function expectedFromMarginals(
  marginals: Float64Array,
  delta: (c: number, k: number) => number,
): number {
  const used: number[] = []
  for (let c = 0; c < marginals.length; c++) if ((marginals[c] as number) > 0) used.push(c)
  let sum = 0
  let comp = 0
  for (let p = 0; p < used.length; p++) {
    const c = used[p] as number
    const nc = marginals[c] as number
    for (let q = p + 1; q < used.length; q++) {
      const j = used[q] as number
      const v = 2 * nc * (marginals[j] as number) * delta(c, j)
      const t = sum + v
      if (Math.abs(sum) >= Math.abs(v)) comp += sum - t + v
      else comp += v - t + sum
      sum = t
    }
  }
  return sum + comp
}

function pairDistance(metric: AlphaMetric, k: number): (c: number, j: number) => number {
  switch (metric.kind) {
    case 'nominal':
      return (c, j) => (c === j ? 0 : 1)
    case 'ratio': {
      const x = metric.values
      if (k <= 2048) {
        const d = new Float64Array(k * k)
        for (let c = 0; c < k; c++) {
          for (let j = 0; j < k; j++) d[c * k + j] = ratioDelta(x[c] as number, x[j] as number)
        }
        return (c, j) => d[c * k + j] as number
      }
      return (c, j) => ratioDelta(x[c] as number, x[j] as number)
    }
    case 'matrix': {
      const d = metric.delta
      return (c, j) => d[c * k + j] as number
    }
    case 'function':
      return metric.delta
    case 'interval': {
      const x = metric.values
      return (c, j) => ((x[c] as number) - (x[j] as number)) ** 2
    }
    case 'ordinal':
      throw new Error('ordinal distances depend on the marginals')
  }
}
