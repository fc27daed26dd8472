import type { AnnotationTable } from './table'

/** No other annotator rated the item. */
export const NO_OTHERS = -2
/** The others' plurality is tied. */
export const TIED = -1

/**
 * The leave-one-out consensus for every entry: the plurality category of the *other*
 * annotators' values on the same item, `TIED` when several categories share the plurality,
 * `NO_OTHERS` when nobody else rated the item. One pass over the table with a scratch count
 * array per item: O(Σ_u m_u d_u) where d_u is the number of distinct values of item u.
 */
export function leaveOneOutConsensus(table: AnnotationTable): Int32Array {
  const k = table.categories.length
  const { itemStart, value } = table
  const out = new Int32Array(table.size)
  const counts = new Int32Array(k)
  const touched = new Int32Array(k)
  for (let i = 0; i < table.items.length; i++) {
    const lo = itemStart[i] as number
    const hi = itemStart[i + 1] as number
    let nt = 0
    for (let e = lo; e < hi; e++) {
      const v = value[e] as number
      if (counts[v] === 0) touched[nt++] = v
      counts[v] = (counts[v] as number) + 1
    }
    for (let e = lo; e < hi; e++) {
      if (hi - lo < 2) {
        out[e] = NO_OTHERS
        continue
      }
      const own = value[e] as number
      let best = -1
      let bestCount = 0
      let tie = false
      for (let t = 0; t < nt; t++) {
        const c = touched[t] as number
        const n = (counts[c] as number) - (c === own ? 1 : 0)
        if (n > bestCount) {
          best = c
          bestCount = n
          tie = false
        } else if (n === bestCount && n > 0) tie = true
      }
      out[e] = tie ? TIED : best
    }
    for (let t = 0; t < nt; t++) counts[touched[t] as number] = 0
  }
  return out
}
