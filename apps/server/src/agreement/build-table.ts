import type { AnnotationTable } from '@concord/metrics'
import type { AnnotationStore } from './annotation-store'

export interface AgreementFilter {
  /** Keep items where at least one annotator used this label (for multi-label: in the set). */
  readonly label?: string
  /** Keep items labelled by at least one of these annotators (every label on them is kept). */
  readonly annotators?: readonly string[]
  /** Keep labels given in [from, to] (epoch ms, inclusive). */
  readonly from?: number
  readonly to?: number
}

export interface BuiltTable {
  readonly table: AnnotationTable
  /** Item ids (numbers) in table order. */
  readonly itemIds: Int32Array
  /** Store slot of every table entry. */
  readonly slots: Int32Array
}

/**
 * Compiles the store's labels that pass `filter` into an {@link AnnotationTable} directly from
 * the columnar cache (no string maps in the loop), with exactly the layout `compileTable`
 * produces: entries grouped by item and sorted by annotator, annotators in code-unit order
 * (only those with a kept label), categories in `categories` order followed by any stored
 * value outside it (sorted). O(labels + items log).
 */
export function buildTable(
  store: AnnotationStore,
  categories: readonly string[],
  filter: AgreementFilter = {},
  multi = false,
): BuiltTable {
  const { ann, val, at } = store
  const from = filter.from ?? -Infinity
  const to = filter.to ?? Infinity
  const timeOk = (s: number) => (at[s] as number) >= from && (at[s] as number) <= to

  // Category codes: declared order, then extra stored values.
  const extra = store.values.filter((v) => !categories.includes(v)).sort()
  const cats = [...categories, ...extra]
  const catIndex = new Map(cats.map((c, i) => [c, i]))
  const valueToCat = new Int32Array(store.values.length)
  store.values.forEach((v, i) => (valueToCat[i] = catIndex.get(v) as number))

  let labelCode = -1
  let labelIn: Uint8Array | undefined
  if (filter.label !== undefined) {
    labelCode = store.valueCode.get(filter.label) ?? -2
    if (multi) {
      labelIn = new Uint8Array(store.values.length)
      store.values.forEach((v, i) => {
        if (v.split('|').includes(filter.label as string)) (labelIn as Uint8Array)[i] = 1
      })
    }
  }
  let annIn: Uint8Array | undefined
  if (filter.annotators && filter.annotators.length > 0) {
    annIn = new Uint8Array(store.annotators.length)
    for (const a of filter.annotators) {
      const code = store.annotatorCode.get(a)
      if (code !== undefined) annIn[code] = 1
    }
  }

  // Pass 1: which slots are kept, per item; which annotators are present.
  const kept: number[] = []
  const starts: number[] = [0]
  const ids: number[] = []
  const present = new Uint8Array(store.annotators.length)
  for (const [itemId, list] of store.byItem) {
    const before = kept.length
    let labelHit = filter.label === undefined
    let annHit = annIn === undefined
    for (let j = 0; j < list.length; j++) {
      const s = list[j] as number
      if (!timeOk(s)) continue
      kept.push(s)
      const v = val[s] as number
      if (!labelHit && (labelIn ? labelIn[v] === 1 : v === labelCode)) labelHit = true
      if (!annHit && annIn && annIn[ann[s] as number] === 1) annHit = true
    }
    if (kept.length === before) continue
    if (!labelHit || !annHit) {
      kept.length = before
      continue
    }
    ids.push(itemId)
    starts.push(kept.length)
    for (let e = before; e < kept.length; e++) present[ann[kept[e] as number] as number] = 1
  }

  const annotators = store.annotators.filter((_, a) => present[a] === 1).sort()
  const rank = new Int32Array(store.annotators.length).fill(-1)
  annotators.forEach((name, r) => (rank[store.annotatorCode.get(name) as number] = r))

  const n = kept.length
  const annotator = new Int32Array(n)
  const value = new Int32Array(n)
  const time = new Float64Array(n)
  const slots = new Int32Array(n)
  for (let i = 0; i < ids.length; i++) {
    const lo = starts[i] as number
    const hi = starts[i + 1] as number
    // Items hold a handful of labels: insertion sort by annotator rank.
    for (let e = lo; e < hi; e++) {
      const s = kept[e] as number
      const r = rank[ann[s] as number] as number
      let j = e - 1
      while (j >= lo && (annotator[j] as number) > r) {
        annotator[j + 1] = annotator[j] as number
        value[j + 1] = value[j] as number
        time[j + 1] = time[j] as number
        slots[j + 1] = slots[j] as number
        j--
      }
      annotator[j + 1] = r
      value[j + 1] = valueToCat[val[s] as number] as number
      time[j + 1] = at[s] as number
      slots[j + 1] = s
    }
  }
  const itemIds = Int32Array.from(ids)
  const table: AnnotationTable = {
    items: ids.map(String),
    annotators,
    categories: cats,
    numeric: cats.length === 0,
    itemStart: Int32Array.from(starts),
    annotator,
    value,
    time,
    size: n,
  }
  return { table, itemIds, slots }
}
