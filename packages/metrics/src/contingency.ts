import { MetricsInputError } from './errors'
import type { AnnotationTable } from './table'
import { annotatorIndex } from './table'

/**
 * The K x K contingency table of two annotators over the items both rated: `table[c * k + j]`
 * counts items where annotator `a` said category c and annotator `b` said j.
 */
export interface PairContingency {
  readonly a: number
  readonly b: number
  readonly k: number
  readonly shared: number
  readonly table: Float64Array
  /** Per shared item: its item index and its cell c * k + j (for bootstraps, confusions). */
  readonly items: Int32Array
  readonly cells: Int32Array
}

export function pairContingency(table: AnnotationTable, a: number, b: number): PairContingency {
  const k = table.categories.length
  const counts = new Float64Array(k * k)
  const { itemStart, annotator, value } = table
  const nItems = table.items.length
  const items = new Int32Array(nItems)
  const cells = new Int32Array(nItems)
  let shared = 0
  for (let i = 0; i < nItems; i++) {
    let va = -1
    let vb = -1
    for (let e = itemStart[i] as number; e < (itemStart[i + 1] as number); e++) {
      const ann = annotator[e] as number
      if (ann === a) va = value[e] as number
      else if (ann === b) vb = value[e] as number
    }
    if (va >= 0 && vb >= 0) {
      const cell = va * k + vb
      counts[cell] = (counts[cell] as number) + 1
      items[shared] = i
      cells[shared] = cell
      shared++
    }
  }
  return {
    a,
    b,
    k,
    shared,
    table: counts,
    items: items.subarray(0, shared),
    cells: cells.subarray(0, shared),
  }
}

/**
 * The two annotators a two-rater statistic compares: `pair` when given, otherwise the table's
 * two annotators. Throws {@link MetricsInputError} when that is ambiguous or names are unknown.
 */
export function resolvePair(
  table: AnnotationTable,
  pair: readonly [string, string] | undefined,
  statistic: string,
): [number, number] {
  if (pair) {
    const a = annotatorIndex(table, pair[0])
    const b = annotatorIndex(table, pair[1])
    if (a === b) {
      throw new MetricsInputError('invalid-option', `${statistic} needs two different annotators`)
    }
    return [a, b]
  }
  if (table.annotators.length !== 2) {
    throw new MetricsInputError(
      'invalid-option',
      `${statistic} compares two annotators; the table has ${table.annotators.length} (${table.annotators.join(', ')}); pass options.pair`,
    )
  }
  return [0, 1]
}
