import type { Level } from './distance'
import { assertLevel } from './distance'
import { MetricsInputError } from './errors'
import type { AlphaResult } from './krippendorff-alpha'
import { alphaFromCoincidences, metricFor } from './krippendorff-alpha'
import type { MetricResult } from './result'
import { Reasons, result } from './result'
import type { AnnotationTable } from './table'

export interface TimeWindowOptions {
  /** Window width in the unit of the timestamps (e.g. 7 * 24 * 3600 * 1000 for weeks). */
  readonly width: number
  /** Start of the first window; default the earliest timestamp. */
  readonly origin?: number
  /** Level of measurement for alpha; default 'nominal'. */
  readonly level?: Level
  /** Refuse more windows than this (default 100,000). */
  readonly maxWindows?: number
}

export interface WindowAgreement {
  /** The window is [start, end). */
  readonly start: number
  readonly end: number
  /** Annotations made in the window. */
  readonly annotations: number
  /** Krippendorff's alpha over the pairs of values completed in the window. */
  readonly alpha: AlphaResult
  /** Share of those pairs (weighted 1/(m_u − 1) as coincidences) that agree. */
  readonly agreement: MetricResult
}

/**
 * Agreement per time window, for annotations that carry timestamps (`at`).
 *
 * Each pair of values on an item becomes comparable when its later value is given; the pair
 * is counted in the window holding that later timestamp, with Krippendorff's coincidence
 * weight 1/(m_u − 1) (m_u = the item's number of values). The windows' coincidence matrices
 * therefore add up to the whole table's, and each window's alpha (Krippendorff 2011) is
 * computed from its own matrix and marginals. `agreement` is Σ_c o_cc / n over the window: the
 * observed agreement 1 − D_o of nominal alpha.
 *
 * Windows run from `origin` to the latest timestamp; a window without any completed pair has
 * `NaN` values with the reason "no pairable units". Throws {@link MetricsInputError} when an
 * annotation has no timestamp or the width is not positive.
 */
export function agreementOverTime(
  table: AnnotationTable,
  options: TimeWindowOptions,
): WindowAgreement[] {
  const level = options.level ?? 'nominal'
  assertLevel(level)
  const { width } = options
  if (!(typeof width === 'number' && width > 0 && Number.isFinite(width))) {
    throw new MetricsInputError(
      'invalid-option',
      `window width must be a positive number, got ${width}`,
    )
  }
  const time = table.time
  if (table.size === 0) return []
  if (!time) {
    throw new MetricsInputError('missing-timestamp', 'annotations have no timestamps (at)')
  }
  let min = Infinity
  let max = -Infinity
  for (let e = 0; e < table.size; e++) {
    const t = time[e] as number
    if (Number.isNaN(t)) {
      const item = table.items[itemOfEntry(table, e)]
      throw new MetricsInputError(
        'missing-timestamp',
        `the annotation of item '${item}' by '${table.annotators[table.annotator[e] as number]}' has no timestamp`,
      )
    }
    if (t < min) min = t
    if (t > max) max = t
  }
  const origin = options.origin ?? min
  if (origin > min) {
    throw new MetricsInputError(
      'invalid-option',
      `origin ${origin} is after the earliest timestamp ${min}`,
    )
  }
  const windows = Math.floor((max - origin) / width) + 1
  const maxWindows = options.maxWindows ?? 100_000
  if (windows > maxWindows) {
    throw new MetricsInputError(
      'invalid-option',
      `${windows} windows exceed maxWindows ${maxWindows}`,
    )
  }
  const k = table.categories.length
  const kk = k * k
  const o = new Float64Array(windows * kk)
  const made = new Int32Array(windows)
  const items = new Int32Array(windows)
  const lastItem = new Int32Array(windows).fill(-1)
  const nA = table.annotators.length
  const seen = new Uint8Array(windows * nA)
  const { itemStart, annotator, value } = table
  for (let i = 0; i < table.items.length; i++) {
    const lo = itemStart[i] as number
    const hi = itemStart[i + 1] as number
    for (let e = lo; e < hi; e++) {
      const win = Math.floor(((time[e] as number) - origin) / width)
      made[win] = (made[win] as number) + 1
    }
    const m = hi - lo
    if (m < 2) continue
    const weight = 1 / (m - 1)
    for (let e = lo; e < hi; e++) {
      const ve = value[e] as number
      const te = time[e] as number
      for (let f = e + 1; f < hi; f++) {
        const tf = time[f] as number
        const win = Math.floor(((te > tf ? te : tf) - origin) / width)
        const vf = value[f] as number
        const c1 = win * kk + ve * k + vf
        const c2 = win * kk + vf * k + ve
        o[c1] = (o[c1] as number) + weight
        o[c2] = (o[c2] as number) + weight
        if (lastItem[win] !== i) {
          lastItem[win] = i
          items[win] = (items[win] as number) + 1
        }
        seen[win * nA + (annotator[e] as number)] = 1
        seen[win * nA + (annotator[f] as number)] = 1
      }
    }
  }
  const metric = metricFor(level, k, table.categories)
  const out: WindowAgreement[] = []
  for (let w = 0; w < windows; w++) {
    let annotators = 0
    for (let a = 0; a < nA; a++) annotators += seen[w * nA + a] as number
    const ow = o.subarray(w * kk, (w + 1) * kk)
    const alpha = alphaFromCoincidences(
      ow,
      k,
      metric,
      { items: items[w] as number, annotators },
      level,
    )
    let agree = 0
    for (let c = 0; c < k; c++) agree += ow[c * k + c] as number
    const n = alpha.counts.pairableValues
    out.push({
      start: origin + w * width,
      end: origin + (w + 1) * width,
      annotations: made[w] as number,
      alpha,
      agreement: result(
        n > 0 ? agree / n : Number.NaN,
        alpha.counts,
        n > 0 ? undefined : Reasons.noPairableUnits,
        {},
      ),
    })
  }
  return out
}

function itemOfEntry(table: AnnotationTable, e: number): number {
  let lo = 0
  let hi = table.items.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if ((table.itemStart[mid] as number) <= e) lo = mid
    else hi = mid - 1
  }
  return lo
}
