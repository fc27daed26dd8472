import type { AnnotationStore } from './annotation-store'

/**
 * Per-item hotspot inputs of the unfiltered project, kept current from the store's change log
 * (see incremental.ts): for every item (in the store's item order, which is the table's), its
 * normalised entropy computed exactly as `itemDisagreement` in @concord/metrics (same terms in
 * the same order: values by first appearance among the labels sorted by annotator id), label
 * count, distinct values and unsure marks; plus the annotator x consensus confusion sums and
 * the label-pair coincidences of `confusedPairs`. A request then only adds flags and picks the
 * top items (a linear scan), instead of recompiling the table and rescoring 100,000 items.
 *
 * Rebuilt in full when the store reloads, the category list or the adjudications change.
 */
export class HotspotState {
  epoch = -1
  seq = 0
  key = ''
  readonly index = new Map<number, number>()
  ids: number[] = []
  entropy: number[] = []
  ratings: number[] = []
  distinct: number[] = []
  unsure: number[] = []
  /** Confusion [a][value code][consensus category]. */
  conf: Float64Array
  /** Per m: Σ n_c n_j (c ≠ j, value codes), for the label pairs. */
  pairM: Float64Array

  constructor(
    readonly ac: number,
    readonly vc: number,
    readonly k: number,
    private rank: Int32Array,
    private readonly catOf: Int32Array,
    private readonly overlap: number,
  ) {
    this.conf = new Float64Array(ac * vc * k)
    this.pairM = new Float64Array((ac + 1) * vc * vc)
    // Math.log(k) once: the same double itemDisagreement divides by.
    this.logK = Math.log(k)
    this.order = new Int32Array(ac + 1)
    this.cats = new Int32Array(ac + 1)
    this.counts = new Int32Array(ac + 1)
  }

  /** (Re)scores one item and adds (sign 1) or removes (sign −1) its sums. */
  apply(store: AnnotationStore, itemId: number, e: ArrayLike<number>, sign: number): void {
    const m = e.length >> 2
    let i = this.index.get(itemId)
    if (i === undefined) {
      if (m === 0) return
      i = this.ids.length
      this.index.set(itemId, i)
      this.ids.push(itemId)
      this.entropy.push(0)
      this.ratings.push(0)
      this.distinct.push(0)
      this.unsure.push(0)
    }
    const { vc, k, catOf } = this
    // Entries in annotator-rank order (the table's order), by insertion sort: m is a handful.
    const order = this.order
    for (let x = 0; x < m; x++) {
      const r = this.rank[e[4 * x] as number] as number
      let j = x - 1
      while (j >= 0 && (this.rank[e[4 * (order[j] as number)] as number] as number) > r) {
        order[j + 1] = order[j] as number
        j--
      }
      order[j + 1] = x
    }
    const cats = this.cats
    const counts = this.counts
    let nd = 0
    let u = 0
    for (let y = 0; y < m; y++) {
      const x = order[y] as number
      const c = catOf[e[4 * x + 1] as number] as number
      let p = 0
      while (p < nd && cats[p] !== c) p++
      if (p === nd) {
        cats[nd] = c
        counts[nd++] = 1
      } else counts[p] = (counts[p] as number) + 1
      u += e[4 * x + 3] as number
    }
    if (sign > 0) {
      let h = 0
      for (let p = 0; p < nd; p++) {
        const q = (counts[p] as number) / m
        h -= q * Math.log(q)
      }
      this.entropy[i] = k >= 2 ? (nd > 1 ? h / this.logK : 0) : Number.NaN
      this.ratings[i] = m
      this.distinct[i] = nd
      this.unsure[i] = u
    }
    if (m >= 2) {
      for (let x = 0; x < m; x++) {
        const v = e[4 * x + 1] as number
        for (let y = 0; y < m; y++) {
          const w = e[4 * y + 1] as number
          if (v !== w) {
            const cell = (m * vc + v) * vc + w
            this.pairM[cell] = (this.pairM[cell] as number) + sign
          }
        }
      }
    }
    // Consensus: the adjudicated label, else a strict majority of at least K labels.
    let col: number | undefined
    const adjudicated = store.adjudicated.get(itemId)
    if (adjudicated !== undefined) col = this.catIndex.get(adjudicated)
    else if (m >= this.overlap && m > 0) {
      for (let p = 0; p < nd; p++) if ((counts[p] as number) * 2 > m) col = cats[p]
    }
    if (col !== undefined) {
      for (let x = 0; x < m; x++) {
        const cell = ((e[4 * x] as number) * vc + (e[4 * x + 1] as number)) * k + col
        this.conf[cell] = (this.conf[cell] as number) + sign
      }
    }
  }

  catIndex = new Map<string, number>()
  /** Annotators the ranks were computed for. */
  rankedAnnotators = 0

  /**
   * Ranks after new annotators arrived: existing annotators keep their relative order, so the
   * entropies already computed (summed in that order) stay exactly those of the table.
   */
  rerank(store: AnnotationStore): void {
    this.rank = ranksOf(store.annotators, this.ac)
    this.rankedAnnotators = store.annotators.length
  }

  private readonly logK: number
  private readonly order: Int32Array
  private readonly cats: Int32Array
  private readonly counts: Int32Array
}

const states = new WeakMap<AnnotationStore, HotspotState>()

/** The store's hotspot state, current; undefined beyond 64 annotators or values. */
export function hotspotStateOf(
  store: AnnotationStore,
  cats: readonly string[],
  overlap: number,
): HotspotState | undefined {
  const A = store.annotators.length
  const V = store.values.length
  if (A > 64 || V > 64) return undefined
  const key = `${cats.join('\u0000')}|${V}|${store.adjVersion}|${overlap}`
  let st = states.get(store)
  if (!st || st.epoch !== store.epoch || st.key !== key || st.seq < store.logBase || st.ac < A) {
    const ac = Math.max(8, 2 * A)
    const rank = ranksOf(store.annotators, ac)
    const catIndex = new Map(cats.map((c, i) => [c, i]))
    const catOf = new Int32Array(V)
    store.values.forEach((v, i) => (catOf[i] = catIndex.get(v) as number))
    st = new HotspotState(ac, V, cats.length, rank, catOf, overlap)
    st.catIndex = catIndex
    st.rankedAnnotators = A
    const e: number[] = []
    for (const [item, list] of store.byItem) {
      fill(store, list, e)
      st.apply(store, item, e, 1)
    }
    st.epoch = store.epoch
    st.key = key
    st.seq = store.logBase + store.log.length
    states.set(store, st)
    return st
  }
  if (st.rankedAnnotators !== A) st.rerank(store)
  const end = store.logBase + store.log.length
  if (st.seq < end) {
    const done = new Set<number>()
    for (let s = st.seq; s < end; s++) {
      const rec = store.log[s - store.logBase] as { item: number; old: number[] }
      if (done.has(rec.item)) continue
      done.add(rec.item)
      st.apply(store, rec.item, rec.old, -1)
    }
    const e: number[] = []
    for (const item of done) {
      fill(store, store.byItem.get(item) ?? [], e)
      st.apply(store, item, e, 1)
    }
    st.seq = end
  }
  return st
}

function fill(store: AnnotationStore, slots: readonly number[], out: number[]): void {
  out.length = 0
  for (const s of slots) {
    out.push(
      store.ann[s] as number,
      store.val[s] as number,
      store.at[s] as number,
      store.unsure[s] as number,
    )
  }
}

function ranksOf(names: readonly string[], size: number): Int32Array {
  const sorted = names
    .map((_, a) => a)
    .sort((x, y) => {
      const p = names[x] as string
      const q = names[y] as string
      return p < q ? -1 : p > q ? 1 : 0
    })
  const rank = new Int32Array(size)
  sorted.forEach((a, r) => (rank[a] = r))
  return rank
}
