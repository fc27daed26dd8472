import type { KappaResult } from './cohen-kappa'
import { kappaFromContingency, kappaFromPair } from './cohen-kappa'
import { pairContingency, resolvePair } from './contingency'
import type { Level } from './distance'
import { assertLevel, ratioDelta } from './distance'
import { MetricsInputError } from './errors'
import type { ItemCounts } from './item-counts'
import { itemCounts } from './item-counts'
import type { AlphaMetric, AlphaResult } from './krippendorff-alpha'
import { alphaFromCoincidences, krippendorffAlpha, metricFor } from './krippendorff-alpha'
import type { Random } from './random'
import { createRandom } from './random'
import type { MetricResult } from './result'
import { Reasons } from './result'
import type { AnnotationTable } from './table'
import type { WeightScheme } from './weights'
import { agreementWeights } from './weights'

export interface BootstrapOptions {
  /** Number of bootstrap replicates; default 1000. */
  readonly replicates?: number
  /** Two-sided confidence level; default 0.95. */
  readonly confidence?: number
  /** Seed for the default generator (xoshiro128**); default 0. Ignored when `random` is set. */
  readonly seed?: number
  /** A seeded random source to draw from instead. */
  readonly random?: Random
  /** Keep every replicate value in the result (default false). */
  readonly keepReplicates?: boolean
}

export interface BootstrapResult<T extends MetricResult = MetricResult> {
  /** The point estimate on the full data. */
  readonly estimate: T
  /** Percentile interval bounds; `NaN` with `reason` when no replicate was defined. */
  readonly lower: number
  readonly upper: number
  readonly confidence: number
  readonly replicates: number
  /** Replicates whose statistic was defined (undefined ones are left out of the percentiles). */
  readonly defined: number
  readonly reason?: string
  readonly values?: Float64Array
}

/**
 * Percentile bootstrap over items (Efron & Tibshirani 1993, An Introduction to the Bootstrap,
 * ch. 13) for Krippendorff's alpha: the pairable items are resampled with replacement, each
 * replicate's alpha is recomputed, and the interval is the (1 − c)/2 and (1 + c)/2 quantiles
 * of the defined replicates (linear interpolation between order statistics, Hyndman & Fan
 * type 7, as NumPy's default).
 *
 * Each item's contribution is precomputed once (its observed-disagreement term and its
 * category counts for nominal, interval and ratio; its coincidences for ordinal, whose metric
 * depends on the marginals), and items with identical counts are grouped into profiles, so a
 * replicate costs one draw per item plus O(profiles × distinct values), not a pass over the
 * annotations. Reproducible: same data, options and seed give the same interval.
 *
 * Example: `bootstrapAlpha(table, { level: 'interval', replicates: 1000, seed: 7 })` →
 * `{ estimate, lower, upper, confidence: 0.95, replicates: 1000, defined }`.
 */
export function bootstrapAlpha(
  table: AnnotationTable,
  options: BootstrapOptions & { readonly level?: Level } = {},
): BootstrapResult<AlphaResult> {
  const level = options.level ?? 'nominal'
  assertLevel(level)
  const { replicates, confidence, random } = resolve(options)
  const estimate = krippendorffAlpha(table, { level })
  const k = table.categories.length
  const metric = metricFor(level, k, table.categories)
  const ic = itemCounts(table)

  const profiles = buildProfiles(ic)
  if (profiles.units.length === 0) {
    return finish(estimate, new Float64Array(0), replicates, confidence, options)
  }
  const values =
    metric.kind === 'ordinal'
      ? resampleOrdinal(
          profiles,
          k,
          replicates,
          random,
          (o) =>
            alphaFromCoincidences(
              o,
              k,
              metric,
              { items: profiles.units.length, annotators: 0 },
              level,
            ).value,
        )
      : resampleFixed(profiles, k, replicates, random, metric)
  return finish(estimate, values, replicates, confidence, options)
}

/**
 * The pairable units grouped into profiles: units with the same category counts contribute
 * the same terms, so a replicate only needs how often each profile was drawn. Profile j has
 * categories `category[start[j] .. start[j + 1])` with counts `count[...]` and m_j values;
 * `units[u]` is the profile of pairable unit u.
 */
interface Profiles {
  readonly units: Int32Array
  readonly start: Int32Array
  readonly category: Int32Array
  readonly count: Float64Array
  readonly m: Float64Array
}

function buildProfiles(ic: ItemCounts): Profiles {
  const units: number[] = []
  const code = new Map<string, number>()
  const start: number[] = [0]
  const category: number[] = []
  const count: number[] = []
  const m: number[] = []
  const pairs: [number, number][] = []
  for (let i = 0; i < ic.items; i++) {
    const mi = ic.ratings[i] as number
    if (mi < 2) continue
    pairs.length = 0
    for (let p = ic.start[i] as number; p < (ic.start[i + 1] as number); p++) {
      pairs.push([ic.category[p] as number, ic.count[p] as number])
    }
    pairs.sort((x, y) => x[0] - y[0])
    const key = pairs.map((x) => `${x[0]}:${x[1]}`).join(',')
    let j = code.get(key)
    if (j === undefined) {
      j = m.length
      code.set(key, j)
      for (const [c, n] of pairs) {
        category.push(c)
        count.push(n)
      }
      start.push(category.length)
      m.push(mi)
    }
    units.push(j)
  }
  return {
    units: Int32Array.from(units),
    start: Int32Array.from(start),
    category: Int32Array.from(category),
    count: Float64Array.from(count),
    m: Float64Array.from(m),
  }
}

/**
 * Replicates for a metric that does not depend on the marginals (nominal, interval, ratio):
 * per profile the observed term D_j = Σ_ck n_c n_k δ²_ck / (m_j − 1) is fixed, so a replicate
 * is Σ_j w_j D_j, Σ_j w_j m_j and the marginals Σ_j w_j n_jc.
 */
function resampleFixed(
  profiles: Profiles,
  k: number,
  replicates: number,
  random: Random,
  metric: AlphaMetric,
): Float64Array {
  const { start, category, count, m } = profiles
  const nProfiles = m.length
  const x = metric.kind === 'interval' || metric.kind === 'ratio' ? metric.values : undefined
  const ratio = metric.kind === 'ratio' && x ? ratioMatrix(x) : undefined
  const nominal = metric.kind === 'nominal'
  const du = new Float64Array(nProfiles)
  for (let j = 0; j < nProfiles; j++) {
    let v = 0
    const lo = start[j] as number
    const hi = start[j + 1] as number
    for (let p = lo; p < hi; p++) {
      const c = category[p] as number
      for (let q = p + 1; q < hi; q++) {
        const d = category[q] as number
        const delta = nominal
          ? 1
          : ratio
            ? (ratio[c * k + d] as number)
            : ((x?.[c] as number) - (x?.[d] as number)) ** 2
        v += (count[p] as number) * (count[q] as number) * delta
      }
    }
    du[j] = (2 * v) / ((m[j] as number) - 1)
  }
  const weights = new Int32Array(nProfiles)
  const picks = new Int32Array(profiles.units.length)
  const marginals = new Float64Array(k)
  const values = new Float64Array(replicates)
  for (let r = 0; r < replicates; r++) {
    draw(weights, profiles.units, picks, random)
    marginals.fill(0)
    let observed = 0
    let n = 0
    for (let j = 0; j < nProfiles; j++) {
      const w = weights[j] as number
      if (w === 0) continue
      observed += w * (du[j] as number)
      n += w * (m[j] as number)
      for (let p = start[j] as number; p < (start[j + 1] as number); p++) {
        const c = category[p] as number
        marginals[c] = (marginals[c] as number) + w * (count[p] as number)
      }
    }
    values[r] = alphaFromMarginals(observed, n, marginals, nominal, x, ratio)
  }
  return values
}

/**
 * Replicates for ordinal alpha, whose metric depends on the replicate's marginals: per profile
 * the coincidences o_ck = n_c (n_k − [c = k]) / (m − 1) are summed, then alpha is computed
 * from the replicate's coincidence matrix.
 */
function resampleOrdinal(
  profiles: Profiles,
  k: number,
  replicates: number,
  random: Random,
  alphaOf: (o: Float64Array) => number,
): Float64Array {
  const { start, category, count, m } = profiles
  const nProfiles = m.length
  const cellStart = new Int32Array(nProfiles + 1)
  const cells: number[] = []
  const amounts: number[] = []
  for (let j = 0; j < nProfiles; j++) {
    const lo = start[j] as number
    const hi = start[j + 1] as number
    for (let p = lo; p < hi; p++) {
      for (let q = lo; q < hi; q++) {
        const v =
          ((count[p] as number) * ((count[q] as number) - (p === q ? 1 : 0))) /
          ((m[j] as number) - 1)
        if (v === 0) continue
        cells.push((category[p] as number) * k + (category[q] as number))
        amounts.push(v)
      }
    }
    cellStart[j + 1] = cells.length
  }
  const cell = Int32Array.from(cells)
  const amount = Float64Array.from(amounts)
  const weights = new Int32Array(nProfiles)
  const picks = new Int32Array(profiles.units.length)
  const o = new Float64Array(k * k)
  const values = new Float64Array(replicates)
  for (let r = 0; r < replicates; r++) {
    draw(weights, profiles.units, picks, random)
    o.fill(0)
    for (let j = 0; j < nProfiles; j++) {
      const w = weights[j] as number
      if (w === 0) continue
      for (let p = cellStart[j] as number; p < (cellStart[j + 1] as number); p++) {
        const c = cell[p] as number
        o[c] = (o[c] as number) + w * (amount[p] as number)
      }
    }
    values[r] = alphaOf(o)
  }
  return values
}

/** 1 − (n − 1) D_o / D_e for a fixed metric, D_e from the replicate's marginals. */
function alphaFromMarginals(
  observed: number,
  n: number,
  marginals: Float64Array,
  nominal: boolean,
  x: Float64Array | undefined,
  ratio: Float64Array | undefined,
): number {
  const k = marginals.length
  let expected = 0
  if (nominal) {
    let sq = 0
    for (let c = 0; c < k; c++) sq += (marginals[c] as number) * (marginals[c] as number)
    expected = n * n - sq
  } else if (ratio) {
    for (let c = 0; c < k; c++) {
      const nc = marginals[c] as number
      if (nc === 0) continue
      for (let d = c + 1; d < k; d++) {
        expected += 2 * nc * (marginals[d] as number) * (ratio[c * k + d] as number)
      }
    }
  } else if (x) {
    let s = 0
    for (let c = 0; c < k; c++) s += (marginals[c] as number) * (x[c] as number)
    const mean = s / n
    let ss = 0
    for (let c = 0; c < k; c++) ss += (marginals[c] as number) * ((x[c] as number) - mean) ** 2
    expected = 2 * n * ss
  }
  return expected > 0 ? 1 - ((n - 1) * observed) / expected : Number.NaN
}

/**
 * Percentile bootstrap over the shared items for Cohen's (weighted) kappa between two
 * annotators: each shared item contributes one cell of the contingency table, so a replicate
 * costs O(shared items + K²). See {@link bootstrapAlpha} for the interval.
 */
export function bootstrapKappa(
  table: AnnotationTable,
  options: BootstrapOptions & {
    readonly pair?: readonly [string, string]
    readonly weights?: WeightScheme
  } = {},
): BootstrapResult<KappaResult> {
  const { replicates, confidence, random } = resolve(options)
  const scheme = options.weights ?? 'none'
  const [a, b] = resolvePair(table, options.pair, "Cohen's kappa")
  const pair = pairContingency(table, a, b)
  const estimate = kappaFromPair(table, pair, scheme)
  const n = pair.shared
  if (n === 0) return finish(estimate, new Float64Array(0), replicates, confidence, options)
  const k = pair.k
  const w = agreementWeights(scheme, k)
  const counts = new Float64Array(k * k)
  const cells = pair.cells
  const values = new Float64Array(replicates)
  for (let r = 0; r < replicates; r++) {
    counts.fill(0)
    for (let j = 0; j < n; j++) {
      const cell = cells[random.nextInt(n)] as number
      counts[cell] = (counts[cell] as number) + 1
    }
    values[r] = kappaFromContingency(counts, k, n, w).value
  }
  return finish(estimate, values, replicates, confidence, options)
}

/** Quantile with linear interpolation between order statistics (Hyndman & Fan type 7). */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length
  if (n === 0) return Number.NaN
  const h = (n - 1) * p
  const lo = Math.floor(h)
  const hi = Math.min(n - 1, lo + 1)
  const a = sorted[lo] as number
  const b = sorted[hi] as number
  return a + (h - lo) * (b - a)
}

function resolve(options: BootstrapOptions): {
  replicates: number
  confidence: number
  random: Random
} {
  const replicates = options.replicates ?? 1000
  const confidence = options.confidence ?? 0.95
  if (!Number.isInteger(replicates) || replicates < 1) {
    throw new MetricsInputError(
      'invalid-option',
      `replicates must be a positive integer, got ${replicates}`,
    )
  }
  if (!(confidence > 0 && confidence < 1)) {
    throw new MetricsInputError('invalid-option', `confidence must be in (0, 1), got ${confidence}`)
  }
  const seed = options.seed ?? 0
  if (!Number.isInteger(seed)) {
    throw new MetricsInputError('invalid-option', `seed must be an integer, got ${seed}`)
  }
  return { replicates, confidence, random: options.random ?? createRandom(seed) }
}

/**
 * Resamples the units with replacement (into `picks`) and counts how often each profile was
 * drawn (into `weights`).
 */
function draw(weights: Int32Array, profileOf: Int32Array, picks: Int32Array, random: Random): void {
  weights.fill(0)
  const u = profileOf.length
  if (random.fillInts) random.fillInts(picks, u)
  else for (let j = 0; j < u; j++) picks[j] = random.nextInt(u)
  for (let j = 0; j < u; j++) {
    const profile = profileOf[picks[j] as number] as number
    weights[profile] = (weights[profile] as number) + 1
  }
}

function ratioMatrix(x: Float64Array): Float64Array {
  const k = x.length
  const d = new Float64Array(k * k)
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < k; j++) d[c * k + j] = ratioDelta(x[c] as number, x[j] as number)
  }
  return d
}

function finish<T extends MetricResult>(
  estimate: T,
  values: Float64Array,
  replicates: number,
  confidence: number,
  options: BootstrapOptions,
): BootstrapResult<T> {
  const defined = values.filter((v) => !Number.isNaN(v)).sort()
  const keep = options.keepReplicates ? { values } : {}
  if (defined.length === 0) {
    return {
      estimate,
      lower: Number.NaN,
      upper: Number.NaN,
      confidence,
      replicates,
      defined: 0,
      reason: estimate.reason ?? Reasons.noReplicates,
      ...keep,
    }
  }
  const tail = (1 - confidence) / 2
  return {
    estimate,
    lower: quantileSorted(defined, tail),
    upper: quantileSorted(defined, 1 - tail),
    confidence,
    replicates,
    defined: defined.length,
    ...keep,
  }
}
