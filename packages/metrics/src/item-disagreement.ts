import { itemCounts } from './item-counts'
import type { AnnotationTable, Value } from './table'

export interface ItemDisagreement {
  /** Item ids, in table order; every array below is indexed the same way. */
  readonly items: readonly string[]
  /** Number of values per item. */
  readonly ratings: Int32Array
  /** Distinct labels per item. */
  readonly distinct: Int32Array
  /** Share of the item's values that are its most frequent label. */
  readonly majorityShare: Float64Array
  /** 1 − majority share: 0 when everybody agrees. */
  readonly minorityShare: Float64Array
  /**
   * Normalised entropy H / ln K of the item's label distribution (H = −Σ p_c ln p_c, K the
   * number of categories): 0 for unanimity, 1 for values spread evenly over all K categories.
   * `NaN` for every item when K < 2 (see `entropyReason`).
   */
  readonly entropy: Float64Array
  readonly entropyReason?: string
}

/**
 * Per-item disagreement scores for ranking hotspots: normalised entropy of the label
 * distribution (Shannon 1948), 1 − majority share, and the number of distinct labels.
 * O(values).
 */
export function itemDisagreement(table: AnnotationTable): ItemDisagreement {
  const ic = itemCounts(table)
  const k = ic.categories
  const n = ic.items
  const distinct = new Int32Array(n)
  const majorityShare = new Float64Array(n)
  const minorityShare = new Float64Array(n)
  const entropy = new Float64Array(n)
  const logK = Math.log(k)
  for (let i = 0; i < n; i++) {
    const lo = ic.start[i] as number
    const hi = ic.start[i + 1] as number
    const m = ic.ratings[i] as number
    let max = 0
    let h = 0
    for (let p = lo; p < hi; p++) {
      const c = ic.count[p] as number
      if (c > max) max = c
      const q = c / m
      h -= q * Math.log(q)
    }
    distinct[i] = hi - lo
    majorityShare[i] = max / m
    minorityShare[i] = 1 - max / m
    entropy[i] = k >= 2 ? (hi - lo > 1 ? h / logK : 0) : Number.NaN
  }
  return {
    items: table.items,
    ratings: ic.ratings,
    distinct,
    majorityShare,
    minorityShare,
    entropy,
    ...(k < 2 ? { entropyReason: 'fewer than two categories' } : {}),
  }
}

export type HotspotScore = 'entropy' | 'minority' | 'distinct'

export interface Hotspot {
  readonly item: string
  readonly score: number
  readonly ratings: number
}

/**
 * The `limit` items with the highest disagreement score among items with at least
 * `minRatings` values (default 2); ties are broken by more ratings, then table order.
 */
export function rankHotspots(
  scores: ItemDisagreement,
  by: HotspotScore = 'entropy',
  limit = 20,
  minRatings = 2,
): Hotspot[] {
  const values =
    by === 'entropy' ? scores.entropy : by === 'minority' ? scores.minorityShare : scores.distinct
  const order: number[] = []
  for (let i = 0; i < scores.items.length; i++) {
    if ((scores.ratings[i] as number) >= minRatings && !Number.isNaN(values[i] as number))
      order.push(i)
  }
  order.sort(
    (x, y) =>
      (values[y] as number) - (values[x] as number) ||
      (scores.ratings[y] as number) - (scores.ratings[x] as number) ||
      x - y,
  )
  return order.slice(0, Math.max(0, limit)).map((i) => ({
    item: scores.items[i] as string,
    score: values[i] as number,
    ratings: scores.ratings[i] as number,
  }))
}

export interface ConfusedPair {
  readonly a: Value
  readonly b: Value
  /** Off-diagonal coincidences o_ab (Krippendorff 2011): pairs weighted 1/(m_u − 1). */
  readonly coincidences: number
  /** Unweighted count of pairs of annotators on one item, one saying a and the other b. */
  readonly pairs: number
}

/**
 * Which label pairs are confused most: every unordered pair of distinct labels {a, b} with its
 * off-diagonal coincidence o_ab = Σ_u n_ua n_ub / (m_u − 1) and its raw count of disagreeing
 * annotator pairs Σ_u n_ua n_ub, sorted by coincidences (then pairs), zero pairs omitted.
 */
export function confusedPairs(table: AnnotationTable, limit = Infinity): ConfusedPair[] {
  const ic = itemCounts(table)
  const k = ic.categories
  const o = new Float64Array(k * k)
  const raw = new Float64Array(k * k)
  for (let i = 0; i < ic.items; i++) {
    const m = ic.ratings[i] as number
    if (m < 2) continue
    const lo = ic.start[i] as number
    const hi = ic.start[i + 1] as number
    for (let p = lo; p < hi; p++) {
      const c = ic.category[p] as number
      for (let q = p + 1; q < hi; q++) {
        const j = ic.category[q] as number
        const cell = c < j ? c * k + j : j * k + c
        const x = (ic.count[p] as number) * (ic.count[q] as number)
        raw[cell] = (raw[cell] as number) + x
        o[cell] = (o[cell] as number) + x / (m - 1)
      }
    }
  }
  const out: ConfusedPair[] = []
  for (let c = 0; c < k; c++) {
    for (let j = c + 1; j < k; j++) {
      const pairs = raw[c * k + j] as number
      if (pairs > 0) {
        out.push({
          a: table.categories[c] as Value,
          b: table.categories[j] as Value,
          coincidences: o[c * k + j] as number,
          pairs,
        })
      }
    }
  }
  out.sort((x, y) => y.coincidences - x.coincidences || y.pairs - x.pairs)
  return out.slice(0, limit)
}
