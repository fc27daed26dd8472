import { NO_OTHERS, TIED, leaveOneOutConsensus } from './consensus'
import { pairContingency } from './contingency'
import { itemCounts } from './item-counts'
import type { AnnotationTable, Value } from './table'
import { annotatorIndex } from './table'

export interface ConfusionMatrix {
  /** What the rows are (an annotator) and what the columns are (an annotator or 'consensus'). */
  readonly rows: string
  readonly columns: string
  readonly categories: readonly Value[]
  /** counts[i][j]: items the row side put in category i and the column side in j. */
  readonly counts: number[][]
  /** Items counted. */
  readonly items: number
}

/** The confusion matrix between two annotators over the items both rated. */
export function confusionMatrix(table: AnnotationTable, a: string, b: string): ConfusionMatrix {
  const pair = pairContingency(table, annotatorIndex(table, a), annotatorIndex(table, b))
  return {
    rows: a,
    columns: b,
    categories: table.categories,
    counts: nested(pair.table, pair.k),
    items: pair.shared,
  }
}

/**
 * The confusion matrix between an annotator (rows) and the leave-one-out consensus of the
 * others (columns; the plurality of the other annotators' values, tied items skipped).
 */
export function consensusConfusionMatrix(
  table: AnnotationTable,
  annotator: string,
): ConfusionMatrix {
  const a = annotatorIndex(table, annotator)
  const k = table.categories.length
  const consensus = leaveOneOutConsensus(table)
  const t = new Float64Array(k * k)
  let items = 0
  for (let e = 0; e < table.size; e++) {
    if (table.annotator[e] !== a) continue
    const c = consensus[e] as number
    if (c === TIED || c === NO_OTHERS) continue
    const cell = (table.value[e] as number) * k + c
    t[cell] = (t[cell] as number) + 1
    items++
  }
  return {
    rows: annotator,
    columns: 'consensus',
    categories: table.categories,
    counts: nested(t, k),
    items,
  }
}

/**
 * Krippendorff's coincidence matrix (Krippendorff 2011): o_ck = Σ_u n_uc (n_uk − [c = k]) /
 * (m_u − 1) over pairable units, as nested arrays. Symmetric; row sums are the marginals n_c.
 */
export function coincidenceMatrix(table: AnnotationTable): {
  categories: readonly Value[]
  counts: number[][]
} {
  const k = table.categories.length
  const ic = itemCounts(table)
  const o = new Float64Array(k * k)
  for (let i = 0; i < ic.items; i++) {
    const m = ic.ratings[i] as number
    if (m < 2) continue
    const lo = ic.start[i] as number
    const hi = ic.start[i + 1] as number
    for (let p = lo; p < hi; p++) {
      const c = ic.category[p] as number
      const nc = ic.count[p] as number
      for (let q = lo; q < hi; q++) {
        const j = ic.category[q] as number
        o[c * k + j] =
          (o[c * k + j] as number) + (nc * ((ic.count[q] as number) - (p === q ? 1 : 0))) / (m - 1)
      }
    }
  }
  return { categories: table.categories, counts: nested(o, k) }
}

function nested(t: ArrayLike<number>, k: number): number[][] {
  const rows: number[][] = []
  for (let i = 0; i < k; i++) {
    const row: number[] = []
    for (let j = 0; j < k; j++) row.push(t[i * k + j] as number)
    rows.push(row)
  }
  return rows
}
