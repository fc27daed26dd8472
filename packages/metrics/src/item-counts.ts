import type { AnnotationTable } from './table'

/**
 * Per-item category counts in compressed rows: for item `i`, the distinct categories it
 * received are `category[start[i] .. start[i + 1])` with their counts in `count`, and
 * `ratings[i]` is the item's number of values (m_u in Krippendorff's notation).
 *
 * Built in one pass over the table with a scratch array, so metrics that only need the
 * counts n_uc (alpha, Fleiss, AC1, percent agreement, per-label, hotspots) never touch a
 * dense items x categories matrix.
 */
export interface ItemCounts {
  readonly items: number
  readonly categories: number
  readonly start: Int32Array
  readonly category: Int32Array
  readonly count: Int32Array
  readonly ratings: Int32Array
}

export function itemCounts(table: AnnotationTable): ItemCounts {
  return countCodes(table.itemStart, table.value, table.categories.length)
}

/** The same structure for any per-entry codes (e.g. label-set ids of a multi-label table). */
export function countCodes(itemStart: Int32Array, codes: Int32Array, k: number): ItemCounts {
  const nItems = itemStart.length - 1
  const n = codes.length
  const scratch = new Int32Array(k)
  const start = new Int32Array(nItems + 1)
  const category = new Int32Array(n)
  const count = new Int32Array(n)
  const ratings = new Int32Array(nItems)
  let out = 0
  for (let i = 0; i < nItems; i++) {
    const lo = itemStart[i] as number
    const hi = itemStart[i + 1] as number
    const first = out
    for (let e = lo; e < hi; e++) {
      const c = codes[e] as number
      if (scratch[c] === 0) category[out++] = c
      scratch[c] = (scratch[c] as number) + 1
    }
    for (let p = first; p < out; p++) {
      const c = category[p] as number
      count[p] = scratch[c] as number
      scratch[c] = 0
    }
    ratings[i] = hi - lo
    start[i + 1] = out
  }
  return {
    items: nItems,
    categories: k,
    start,
    category: category.subarray(0, out),
    count: count.subarray(0, out),
    ratings,
  }
}

/** Number of distinct annotators among the entries of items with at least `minRatings` values. */
export function annotatorsIn(table: AnnotationTable, minRatings: number): number {
  const seen = new Uint8Array(table.annotators.length)
  let distinct = 0
  const { itemStart, annotator } = table
  for (let i = 0; i + 1 < itemStart.length; i++) {
    const lo = itemStart[i] as number
    const hi = itemStart[i + 1] as number
    if (hi - lo < minRatings) continue
    for (let e = lo; e < hi; e++) {
      const a = annotator[e] as number
      if (seen[a] === 0) {
        seen[a] = 1
        distinct++
      }
    }
  }
  return distinct
}
