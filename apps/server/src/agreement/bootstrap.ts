import { createRandom, quantileSorted, type AnnotationTable } from '@concord/metrics'

export interface Interval {
  readonly low: number
  readonly high: number
}

export interface BootstrapSettings {
  /** Replicates (default 200). */
  readonly replicates?: number
  /** Seed of the xoshiro128** generator from @concord/metrics (default 1). */
  readonly seed?: number
  /** Items drawn per replicate at most (default 1,000): the m of an m-out-of-n bootstrap. */
  readonly maxItems?: number
  readonly confidence?: number
}

/**
 * 95% percentile bootstrap intervals over items for several statistics at once, every
 * statistic computed by @concord/metrics on each resampled table (so the interval is of
 * exactly the dashboard's number).
 *
 * With n items, each replicate draws m = min(n, maxItems) items with replacement. When m = n
 * this is the ordinary percentile bootstrap (Efron & Tibshirani 1993). When n is larger, it is
 * the m-out-of-n bootstrap (Bickel, Götze & van Zwet 1997): the deviations of the replicates
 * from the estimate are scaled by sqrt(m / n), which for these smooth statistics (functions of
 * item means) estimates the sampling spread at size n at a cost of O(replicates · m), whatever
 * the project's size. Undefined replicates are left out; no defined replicate gives NaN.
 */
export function bootstrapIntervals(
  table: AnnotationTable,
  estimates: readonly number[],
  stats: readonly ((t: AnnotationTable) => number)[],
  settings: BootstrapSettings = {},
): Interval[] {
  const steps = bootstrapSteps(table, estimates, stats, settings)
  for (;;) {
    const r = steps.next()
    if (r.done) return r.value
  }
}

/**
 * {@link bootstrapIntervals} as a generator yielding after every replicate, so a caller can run
 * it in slices between requests (same replicates, same order, same result).
 */
export function* bootstrapSteps(
  table: AnnotationTable,
  estimates: readonly number[],
  stats: readonly ((t: AnnotationTable) => number)[],
  settings: BootstrapSettings = {},
): Generator<void, Interval[], void> {
  const replicates = settings.replicates ?? 200
  const confidence = settings.confidence ?? 0.95
  const n = table.items.length
  const none = stats.map(() => ({ low: Number.NaN, high: Number.NaN }))
  if (n === 0) return none
  const m = Math.min(n, settings.maxItems ?? 1000)
  const scale = Math.sqrt(m / n)
  const random = createRandom(settings.seed ?? 1)
  const { itemStart } = table
  const values = stats.map(() => [] as number[])
  const draw = new Int32Array(m)
  const items = new Array<string>(m).fill('')
  for (let r = 0; r < replicates; r++) {
    let size = 0
    for (let j = 0; j < m; j++) {
      const i = random.nextInt(n)
      draw[j] = i
      size += (itemStart[i + 1] as number) - (itemStart[i] as number)
    }
    const start = new Int32Array(m + 1)
    const annotator = new Int32Array(size)
    const value = new Int32Array(size)
    let p = 0
    for (let j = 0; j < m; j++) {
      const i = draw[j] as number
      const lo = itemStart[i] as number
      const hi = itemStart[i + 1] as number
      annotator.set(table.annotator.subarray(lo, hi), p)
      value.set(table.value.subarray(lo, hi), p)
      p += hi - lo
      start[j + 1] = p
    }
    const replicate: AnnotationTable = {
      ...table,
      items,
      itemStart: start,
      annotator,
      value,
      time: undefined,
      size,
    }
    stats.forEach((stat, s) => {
      const v = stat(replicate)
      if (Number.isFinite(v)) (values[s] as number[]).push(v)
    })
    yield
  }
  return values.map((vs, s) => {
    const est = estimates[s] as number
    if (vs.length === 0 || !Number.isFinite(est)) return { low: Number.NaN, high: Number.NaN }
    const sorted = Float64Array.from(vs).sort()
    const lo = quantileSorted(sorted, (1 - confidence) / 2)
    const hi = quantileSorted(sorted, (1 + confidence) / 2)
    return { low: est + scale * (lo - est), high: est + scale * (hi - est) }
  })
}
