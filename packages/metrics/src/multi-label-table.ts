import type { Annotation, TableOptions, Value } from './table'
import { codeTriples } from './table'

/**
 * Multi-label annotations compiled into dense codes: one entry per (item, annotator) with the
 * set of labels that annotator gave the item. Entries are grouped by item (compressed rows,
 * sorted by annotator); the labels of entry e are `labelCodes[labelStart[e] ..
 * labelStart[e + 1])`, ascending; `setOf[e]` numbers the distinct label sets `sets`.
 */
export interface MultiLabelTable {
  readonly items: readonly string[]
  readonly annotators: readonly string[]
  readonly labels: readonly Value[]
  readonly itemStart: Int32Array
  readonly annotator: Int32Array
  readonly labelStart: Int32Array
  readonly labelCodes: Int32Array
  readonly setOf: Int32Array
  readonly sets: readonly (readonly number[])[]
  /** Number of (item, annotator) entries. */
  readonly size: number
}

/**
 * Compiles multi-label annotations: every (item, annotator, value) triple adds `value` to that
 * annotator's label set for the item (a repeated triple is the same label once). An annotator
 * who gave an item no label is missing for it. `options.categories` orders the labels.
 *
 * Example:
 * ```ts
 * compileMultiLabelTable([
 *   { item: 'q1', annotator: 'ann', value: 'billing' },
 *   { item: 'q1', annotator: 'ann', value: 'urgent' },
 *   { item: 'q1', annotator: 'bob', value: 'billing' },
 * ]) // q1: ann {billing, urgent}, bob {billing}
 * ```
 */
export function compileMultiLabelTable(
  annotations: Iterable<Annotation>,
  options: TableOptions = {},
): MultiLabelTable {
  const {
    items,
    itemsOf,
    annotatorsOf,
    valuesOf,
    categories: labels,
    remap,
    annotators,
    annRemap,
  } = codeTriples(annotations, options, false)

  // Sort triples by (item, annotator, label) and collapse them into entries.
  const n = itemsOf.length
  const order = new Int32Array(n)
  for (let e = 0; e < n; e++) order[e] = e
  const ann = (e: number): number => annRemap[annotatorsOf[e] as number] as number
  const lab = (e: number): number => remap[valuesOf[e] as number] as number
  order.sort(
    (x, y) => (itemsOf[x] as number) - (itemsOf[y] as number) || ann(x) - ann(y) || lab(x) - lab(y),
  )
  const itemStart = new Int32Array(items.length + 1)
  const annotator: number[] = []
  const labelStart: number[] = [0]
  const labelCodes: number[] = []
  let prevItem = -1
  let prevAnn = -1
  let prevLab = -1
  for (let r = 0; r < n; r++) {
    const e = order[r] as number
    const it = itemsOf[e] as number
    const a = ann(e)
    const l = lab(e)
    if (it !== prevItem || a !== prevAnn) {
      if (annotator.length > 0) labelStart.push(labelCodes.length)
      annotator.push(a)
      itemStart[it + 1] = annotator.length
      prevItem = it
      prevAnn = a
      prevLab = -1
    }
    if (l !== prevLab) {
      labelCodes.push(l)
      prevLab = l
    }
  }
  if (annotator.length > 0) labelStart.push(labelCodes.length)
  for (let i = 0; i < items.length; i++) {
    if ((itemStart[i + 1] as number) < (itemStart[i] as number))
      itemStart[i + 1] = itemStart[i] as number
  }

  // Number the distinct label sets.
  const setCode = new Map<string, number>()
  const sets: number[][] = []
  const setOf = new Int32Array(annotator.length)
  for (let e = 0; e < annotator.length; e++) {
    const set = labelCodes.slice(labelStart[e] as number, labelStart[e + 1] as number)
    const key = set.join(',')
    let code = setCode.get(key)
    if (code === undefined) {
      code = sets.length
      setCode.set(key, code)
      sets.push(set)
    }
    setOf[e] = code
  }
  return Object.freeze({
    items: Object.freeze(items),
    annotators: Object.freeze(annotators),
    labels: Object.freeze(labels),
    itemStart,
    annotator: Int32Array.from(annotator),
    labelStart: Int32Array.from(labelStart),
    labelCodes: Int32Array.from(labelCodes),
    setOf,
    sets: Object.freeze(sets.map((s) => Object.freeze(s))),
    size: annotator.length,
  })
}
