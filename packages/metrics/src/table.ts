import { MetricsInputError } from './errors'

/** A label value: a category name or a number (numbers are needed for interval and ratio). */
export type Value = string | number

/** One judgement: `annotator` gave `value` to `item`, optionally at time `at` (any number). */
export interface Annotation {
  readonly item: string
  readonly annotator: string
  readonly value: Value
  /** When the judgement was made (e.g. epoch milliseconds); only time windows need it. */
  readonly at?: number
}

export interface TableOptions {
  /**
   * The category order, used by ordinal and weighted statistics and to declare categories
   * nobody used (they count for Gwet's q and weighted kappa's spacing). A value outside the
   * list throws. Default: the distinct values, numbers ascending or strings in code-unit order.
   */
  readonly categories?: readonly Value[]
  /**
   * The annotators to include, in this order; annotations by anyone else are dropped.
   * Default: every annotator, sorted in code-unit order.
   */
  readonly annotators?: readonly string[]
}

/**
 * Annotations compiled once into dense integer codes, grouped by item (compressed rows).
 *
 * The entries of item `i` are `[itemStart[i], itemStart[i + 1])`; within an item they are
 * sorted by annotator code and no annotator appears twice. `annotator[e]` and `value[e]` are
 * codes into `annotators` and `categories`. Items without any included annotation are absent.
 * Every metric reads this structure; nothing is looked up by string in a hot loop.
 */
export interface AnnotationTable {
  readonly items: readonly string[]
  readonly annotators: readonly string[]
  readonly categories: readonly Value[]
  /** True when every category is a number (interval and ratio levels need it). */
  readonly numeric: boolean
  readonly itemStart: Int32Array
  readonly annotator: Int32Array
  readonly value: Int32Array
  /** Timestamps per entry when any annotation had one (`NaN` where one was missing). */
  readonly time: Float64Array | undefined
  /** Number of entries (annotations kept). */
  readonly size: number
}

/**
 * Compiles (item, annotator, value) triples into an {@link AnnotationTable}.
 *
 * Validates up front: ids must be strings, values finite numbers or strings, all values of one
 * type (numbers or strings), each (item, annotator) pair at most once, values inside
 * `options.categories` when it is given. Throws {@link MetricsInputError} naming the first
 * problem and its index.
 *
 * Example:
 * ```ts
 * const table = compileTable([
 *   { item: 'doc1', annotator: 'ann', value: 'pos' },
 *   { item: 'doc1', annotator: 'bob', value: 'neg' },
 * ])
 * table.items // ['doc1']; table.categories // ['neg', 'pos']
 * ```
 */
export function compileTable(
  annotations: Iterable<Annotation>,
  options: TableOptions = {},
): AnnotationTable {
  const coded = codeTriples(annotations, options, true)
  const { items, times, categories, remap, annotators, annRemap } = coded
  let { itemsOf, annotatorsOf, valuesOf } = coded

  // Counting sort by item into compressed rows.
  const n = itemsOf.length
  const nItems = items.length
  const itemStart = new Int32Array(nItems + 1)
  for (let e = 0; e < n; e++) {
    const slot = (itemsOf[e] as number) + 1
    itemStart[slot] = (itemStart[slot] as number) + 1
  }
  for (let i = 0; i < nItems; i++)
    itemStart[i + 1] = (itemStart[i + 1] as number) + (itemStart[i] as number)
  const fill = itemStart.slice(0, nItems)
  const annotator = new Int32Array(n)
  const value = new Int32Array(n)
  const time = times ? new Float64Array(n) : undefined
  for (let e = 0; e < n; e++) {
    const it = itemsOf[e] as number
    const p = fill[it] as number
    fill[it] = p + 1
    annotator[p] = annRemap[annotatorsOf[e] as number] as number
    value[p] = remap[valuesOf[e] as number] as number
    if (time && times) time[p] = times[e] as number
  }
  itemsOf = annotatorsOf = valuesOf = []

  // Sort each item's entries by annotator and reject duplicates.
  for (let i = 0; i < nItems; i++) {
    const lo = itemStart[i] as number
    const hi = itemStart[i + 1] as number
    sortEntries(annotator, value, time, lo, hi)
    for (let e = lo + 1; e < hi; e++) {
      if (annotator[e] === annotator[e - 1]) {
        throw new MetricsInputError(
          'duplicate-annotation',
          `item '${items[i]}' has more than one value from annotator '${annotators[annotator[e] as number]}'`,
        )
      }
    }
  }
  return Object.freeze({
    items: Object.freeze(items),
    annotators: Object.freeze(annotators),
    categories: Object.freeze(categories),
    numeric: categories.every((c) => typeof c === 'number'),
    itemStart,
    annotator,
    value,
    time,
    size: n,
  })
}

/**
 * The coding pass both table compilers share: validates every triple, gives items, annotators
 * and values dense codes in first-seen order (dropping annotators outside `options.annotators`),
 * then orders the categories and annotators. `withTimes` also collects each triple's timestamp.
 */
export function codeTriples(
  annotations: Iterable<Annotation>,
  options: TableOptions,
  withTimes: boolean,
) {
  const annotatorCode = new Map<string, number>()
  const restrict = options.annotators !== undefined
  for (const a of options.annotators ?? []) {
    if (typeof a !== 'string') {
      throw new MetricsInputError('invalid-option', `annotator ids must be strings, got ${a}`)
    }
    if (!annotatorCode.has(a)) annotatorCode.set(a, annotatorCode.size)
  }
  const itemCode = new Map<string, number>()
  const items: string[] = []
  const valueCode = new Map<Value, number>()
  const distinct: Value[] = []
  const itemsOf: number[] = []
  const annotatorsOf: number[] = []
  const valuesOf: number[] = []
  let times: number[] | undefined
  let sawNumber = false
  let sawString = false
  let index = 0
  for (const a of annotations) {
    const { item, annotator, value } = checkAnnotation(a, index++)
    let ann = annotatorCode.get(annotator)
    if (ann === undefined) {
      if (restrict) continue
      ann = annotatorCode.size
      annotatorCode.set(annotator, ann)
    }
    if (typeof value === 'number') sawNumber = true
    else sawString = true
    let it = itemCode.get(item)
    if (it === undefined) {
      it = items.length
      itemCode.set(item, it)
      items.push(item)
    }
    let v = valueCode.get(value)
    if (v === undefined) {
      v = distinct.length
      valueCode.set(value, v)
      distinct.push(value)
    }
    if (withTimes) {
      if (a.at !== undefined && times === undefined) {
        times = new Array<number>(itemsOf.length).fill(Number.NaN)
      }
      if (times) times.push(a.at ?? Number.NaN)
    }
    itemsOf.push(it)
    annotatorsOf.push(ann)
    valuesOf.push(v)
  }
  const { categories, remap } = orderCategories(distinct, sawNumber, sawString, options.categories)
  const { annotators, remap: annRemap } = orderAnnotators([...annotatorCode.keys()], restrict)
  return { items, itemsOf, annotatorsOf, valuesOf, times, categories, remap, annotators, annRemap }
}

/** Validates one annotation; throws {@link MetricsInputError} naming its index. */
export function checkAnnotation(a: Annotation, at: number): Annotation {
  if (a === null || typeof a !== 'object') {
    throw new MetricsInputError('invalid-value', `annotation ${at} is not an object`)
  }
  const { item, annotator, value } = a
  if (typeof item !== 'string' || typeof annotator !== 'string') {
    throw new MetricsInputError(
      'invalid-value',
      `annotation ${at}: item and annotator must be strings`,
    )
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new MetricsInputError(
        'invalid-value',
        `annotation ${at} (item '${item}', annotator '${annotator}'): value ${value} is not a finite number`,
      )
    }
  } else if (typeof value !== 'string') {
    throw new MetricsInputError(
      'invalid-value',
      `annotation ${at} (item '${item}', annotator '${annotator}'): value must be a string or a number`,
    )
  }
  if (a.at !== undefined && (typeof a.at !== 'number' || !Number.isFinite(a.at))) {
    throw new MetricsInputError('invalid-value', `annotation ${at}: 'at' must be a finite number`)
  }
  return a
}

/**
 * The final category order for the distinct values seen (in first-seen order) and the map
 * from first-seen code to final code. Throws on mixed types or values outside `declared`.
 */
export function orderCategories(
  distinct: readonly Value[],
  sawNumber: boolean,
  sawString: boolean,
  declared: readonly Value[] | undefined,
): { categories: Value[]; remap: Int32Array } {
  let categories: Value[]
  if (declared) {
    categories = [...declared]
    const seen = new Set<Value>()
    for (const c of categories) {
      if (typeof c !== 'string' && !(typeof c === 'number' && Number.isFinite(c))) {
        throw new MetricsInputError('invalid-option', `category ${String(c)} is not a value`)
      }
      if (seen.has(c)) {
        throw new MetricsInputError('invalid-option', `category ${show(c)} is listed twice`)
      }
      seen.add(c)
    }
  } else {
    if (sawNumber && sawString) {
      throw new MetricsInputError(
        'mixed-value-types',
        'values mix numbers and strings; use one type or pass options.categories',
      )
    }
    categories = [...distinct]
    if (sawNumber) (categories as number[]).sort((x, y) => x - y)
    else categories.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))
  }
  const finalCode = new Map<Value, number>()
  categories.forEach((c, i) => finalCode.set(c, i))
  const remap = new Int32Array(distinct.length)
  for (let i = 0; i < distinct.length; i++) {
    const value = distinct[i] as Value
    const code = finalCode.get(value)
    if (code === undefined) {
      throw new MetricsInputError(
        'unknown-category',
        `value ${show(value)} is not in the category order [${categories.map(show).join(', ')}]`,
      )
    }
    remap[i] = code
  }
  return { categories, remap }
}

/** Annotators in the given order (`keep`) or sorted in code-unit order, with the code map. */
export function orderAnnotators(
  names: readonly string[],
  keep: boolean,
): { annotators: string[]; remap: Int32Array } {
  const remap = new Int32Array(names.length)
  if (keep) {
    for (let i = 0; i < remap.length; i++) remap[i] = i
    return { annotators: [...names], remap }
  }
  const annotators = [...names].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))
  const pos = new Map<string, number>()
  annotators.forEach((a, i) => pos.set(a, i))
  names.forEach((a, i) => (remap[i] = pos.get(a) as number))
  return { annotators, remap }
}

/**
 * Builds a table from wide data: one row per item, one column per annotator, `null` or
 * `undefined` for a missing value (the layout of most published reliability examples).
 * Items are named '1', '2', ... unless `itemIds` is given; annotators keep the column order.
 */
export function tableFromRows(
  rows: readonly (readonly (Value | null | undefined)[])[],
  options: TableOptions & { readonly itemIds?: readonly string[] } = {},
): AnnotationTable {
  const width = rows.reduce((w, r) => Math.max(w, r.length), 0)
  const annotators = options.annotators ?? Array.from({ length: width }, (_, j) => `${j + 1}`)
  if (annotators.length < width) {
    throw new MetricsInputError(
      'invalid-option',
      `rows have ${width} columns but only ${annotators.length} annotator names`,
    )
  }
  const triples: Annotation[] = []
  rows.forEach((row, i) => {
    const item = options.itemIds?.[i] ?? `${i + 1}`
    row.forEach((value, j) => {
      if (value !== null && value !== undefined) {
        triples.push({ item, annotator: annotators[j] as string, value })
      }
    })
  })
  return compileTable(triples, { ...options, annotators })
}

function sortEntries(
  annotator: Int32Array,
  value: Int32Array,
  time: Float64Array | undefined,
  lo: number,
  hi: number,
): void {
  if (hi - lo <= 32) {
    for (let i = lo + 1; i < hi; i++) {
      const a = annotator[i] as number
      const v = value[i] as number
      const t = time ? (time[i] as number) : 0
      let j = i - 1
      while (j >= lo && (annotator[j] as number) > a) {
        annotator[j + 1] = annotator[j] as number
        value[j + 1] = value[j] as number
        if (time) time[j + 1] = time[j] as number
        j--
      }
      annotator[j + 1] = a
      value[j + 1] = v
      if (time) time[j + 1] = t
    }
    return
  }
  const order = Array.from({ length: hi - lo }, (_, k) => lo + k)
  order.sort((x, y) => (annotator[x] as number) - (annotator[y] as number))
  const a = order.map((e) => annotator[e] as number)
  const v = order.map((e) => value[e] as number)
  const t = time ? order.map((e) => time[e] as number) : undefined
  for (let k = 0; k < order.length; k++) {
    annotator[lo + k] = a[k] as number
    value[lo + k] = v[k] as number
    if (time && t) time[lo + k] = t[k] as number
  }
}

/** The label used in messages: strings quoted, numbers bare. */
export function show(v: Value): string {
  return typeof v === 'string' ? `'${v}'` : String(v)
}

/** Code of annotator `name` in `table`, or a {@link MetricsInputError} naming it. */
export function annotatorIndex(table: AnnotationTable, name: string): number {
  const i = table.annotators.indexOf(name)
  if (i < 0) {
    throw new MetricsInputError(
      'unknown-annotator',
      `annotator '${name}' is not in the table (annotators: ${table.annotators.join(', ')})`,
    )
  }
  return i
}
