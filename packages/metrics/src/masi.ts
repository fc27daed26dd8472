import type { AlphaResult } from './krippendorff-alpha'
import { alphaFromItemCounts } from './krippendorff-alpha'
import { countCodes } from './item-counts'
import type { MultiLabelTable } from './multi-label-table'

/**
 * MASI distance between two label sets (Measuring Agreement on Set-valued Items).
 *
 * Passonneau, R. (2006). "Measuring agreement on set-valued items (MASI) for semantic and
 * pragmatic annotation." Proceedings of LREC 2006.
 *
 *   d(A, B) = 1 − J(A, B) · M(A, B),   J = |A ∩ B| / |A ∪ B|  (Jaccard)
 *   M = 1 if A = B, 2/3 if one is a subset of the other, 1/3 if they overlap otherwise,
 *       0 if they are disjoint.
 *
 * Two empty sets are at distance 0. Inputs are ascending arrays of label codes.
 *
 * Example: d({1, 2}, {1, 2, 3, 4}) = 1 − (2/4)(2/3) = 2/3.
 */
export function masiDistance(a: readonly number[], b: readonly number[]): number {
  if (a.length === 0 && b.length === 0) return 0
  let i = 0
  let j = 0
  let common = 0
  while (i < a.length && j < b.length) {
    const x = a[i] as number
    const y = b[j] as number
    if (x === y) {
      common++
      i++
      j++
    } else if (x < y) i++
    else j++
  }
  const union = a.length + b.length - common
  let m: number
  if (common === a.length && common === b.length) m = 1
  else if (common === a.length || common === b.length) m = 2 / 3
  else if (common > 0) m = 1 / 3
  else m = 0
  return 1 - (common / union) * m
}

/**
 * Krippendorff's alpha for multi-label data with the MASI distance as δ² (Passonneau 2006):
 * each annotator's label set for an item is one value, and
 *
 *   α = 1 − (n − 1) Σ_AB o_AB d(A, B) / Σ_AB n_A n_B d(A, B)
 *
 * over the coincidences of label sets (see {@link krippendorffAlpha}). Items with fewer than
 * two annotators are not pairable. Undefined cases return `NaN` with the reason.
 *
 * Example (derived by hand in masi.test.ts): item 1 {x} vs {x, y}, item 2 {y} vs {y}:
 * α = 1 − 3 · (4/3) / 8 = 0.5.
 */
export function masiAlpha(table: MultiLabelTable): AlphaResult {
  const k = table.sets.length
  const ic = countCodes(table.itemStart, table.setOf, k)
  const sets = table.sets
  let delta: (c: number, j: number) => number
  if (k <= 1024) {
    const d = new Float64Array(k * k)
    for (let c = 0; c < k; c++) {
      for (let j = c + 1; j < k; j++) {
        const v = masiDistance(sets[c] as number[], sets[j] as number[])
        d[c * k + j] = v
        d[j * k + c] = v
      }
    }
    delta = (c, j) => d[c * k + j] as number
  } else {
    delta = (c, j) => masiDistance(sets[c] as number[], sets[j] as number[])
  }
  const annotators = countAnnotators(table)
  const r = alphaFromItemCounts(ic, { kind: 'function', delta }, annotators, 'custom')
  return { ...r, counts: { ...r.counts, categories: table.labels.length } }
}

function countAnnotators(table: MultiLabelTable): number {
  const seen = new Uint8Array(table.annotators.length)
  let count = 0
  for (let i = 0; i < table.items.length; i++) {
    const lo = table.itemStart[i] as number
    const hi = table.itemStart[i + 1] as number
    if (hi - lo < 2) continue
    for (let e = lo; e < hi; e++) {
      const a = table.annotator[e] as number
      if (!seen[a]) {
        seen[a] = 1
        count++
      }
    }
  }
  return count
}
