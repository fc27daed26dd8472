import { consensusFor, type Consensus, type LabelSchema } from '@concord/core'
import {
  agreementOverTime,
  cohenKappa,
  compileMultiLabelTable,
  confusedPairs,
  fleissKappa,
  gwetAC1,
  itemDisagreement,
  krippendorffAlpha,
  pairwiseAgreement,
  percentAgreement,
  perAnnotatorAgreement,
  perLabelAgreement,
  perLabelAgreementMulti,
  type AnnotationTable,
  type LabelAgreement,
  type MetricResult,
} from '@concord/metrics'
import type { Kysely } from 'kysely'
import type { Database } from '../db/database'
import { storeFor, type AnnotationStore } from './annotation-store'
import { bootstrapIntervals, type BootstrapSettings } from './bootstrap'
import { buildTable, type AgreementFilter, type BuiltTable } from './build-table'

export type { AgreementFilter } from './build-table'

/** The project facts the computations need. */
export interface ProjectInfo {
  readonly id: string
  readonly labelSchema: LabelSchema
  /** K, the project's overlap. */
  readonly overlap: number
}

export interface Coefficient {
  value: number | null
  low: number | null
  high: number | null
  reason?: string
  n: number
}

export interface AgreementResponse {
  computedAt: number
  level: 'nominal' | 'ordinal'
  counts: { items: number; annotators: number; annotations: number; pairableItems: number }
  overall: {
    alpha: Coefficient
    kappa: Coefficient & { kind: 'fleiss' | 'cohen' }
    ac1: Coefficient
    percent: Coefficient
  }
  pairwise: {
    annotators: { id: string; name: string }[]
    kappa: (number | null)[][]
    alpha: (number | null)[][]
    shared: number[][]
  }
  perLabel: {
    label: string
    name: string
    alpha: number | null
    positiveAgreement: number | null
    count: number
    reason?: string
  }[]
  perAnnotator: {
    id: string
    name: string
    agreement: number | null
    items: number
    rated: number
    kappa: number | null
    reason?: string
  }[]
  weekly: { week: string; alpha: number | null; percent: number | null; annotations: number }[]
}

export const WEEK_MS = 7 * 24 * 3600 * 1000
/** Bootstrap settings of the overall intervals: 200 seeded replicates, m-out-of-n above 1,000 items. */
export const CI_SETTINGS: BootstrapSettings = { replicates: 200, seed: 1, maxItems: 1000 }
/** Intervals are recomputed once this share of the labels changed since they were. */
export const CI_REFRESH_SHARE = 0.005

const num = (v: number): number | null => (Number.isFinite(v) ? v : null)

function categoriesOf(schema: LabelSchema): string[] {
  return schema.kind === 'single' ? schema.labels.map((l) => l.id) : []
}

interface Cached<T> {
  version: number
  value: T
}

/** Per-store memo of computed responses, keyed by the request, valid for one store version. */
const memo = new WeakMap<AnnotationStore, Map<string, Cached<unknown>>>()
const intervals = new WeakMap<
  AnnotationStore,
  Map<string, { changes: number; size: number; value: { low: number; high: number }[] }>
>()

function memoized<T>(store: AnnotationStore, key: string, compute: () => T): T {
  let m = memo.get(store)
  if (!m) {
    m = new Map()
    memo.set(store, m)
  }
  const hit = m.get(key)
  if (hit && hit.version === store.version) return hit.value as T
  const value = compute()
  if (m.size > 32) m.clear()
  m.set(key, { version: store.version, value })
  return value
}

/** The compiled table of the store's labels passing `filter`, shared by every view of a version. */
function tableOf(store: AnnotationStore, schema: LabelSchema, filter: AgreementFilter): BuiltTable {
  return memoized(store, `table:${JSON.stringify(filter)}`, () =>
    buildTable(store, categoriesOf(schema), filter, schema.kind === 'multi'),
  )
}

/** The store of the project, brought up to date. */
export async function currentStore(
  db: Kysely<Database>,
  projectId: string,
): Promise<AnnotationStore> {
  const store = storeFor(db, projectId)
  await store.refresh()
  return store
}

/** Display names of users by id (the id itself for someone unknown). */
export async function userNames(
  db: Kysely<Database>,
  ids: readonly string[],
): Promise<Map<string, string>> {
  const names = new Map<string, string>()
  if (ids.length === 0) return names
  const rows = await db
    .selectFrom('users')
    .select(['id', 'display_name'])
    .where('id', 'in', [...ids])
    .execute()
  for (const r of rows) names.set(r.id, r.display_name)
  return names
}

function coefficient(r: MetricResult, ci: { low: number; high: number }): Coefficient {
  const value = num(r.value)
  return {
    value,
    low: value === null ? null : num(ci.low),
    high: value === null ? null : num(ci.high),
    ...(r.reason !== undefined ? { reason: r.reason } : {}),
    n: r.counts.items,
  }
}

/** Monday 00:00 UTC of the week holding `ms`. */
export function mondayOf(ms: number): number {
  const day = Math.floor(ms / 86_400_000)
  // 1970-01-01 was a Thursday: days since a Monday are (day + 3) mod 7.
  return (day - ((((day + 3) % 7) + 7) % 7)) * 86_400_000
}

/**
 * Everything the agreement dashboard shows, computed by @concord/metrics on the project's
 * labels that pass `filter`. Memoized per store version and filter.
 */
export function computeAgreement(
  store: AnnotationStore,
  project: ProjectInfo,
  filter: AgreementFilter,
  names: ReadonlyMap<string, string>,
  now: number,
): AgreementResponse {
  const key = `agreement:${JSON.stringify(filter)}`
  return memoized(store, key, () => {
    const schema = project.labelSchema
    const level = schema.ordered ? 'ordinal' : 'nominal'
    const built = tableOf(store, schema, filter)
    const t = built.table
    const alpha = krippendorffAlpha(t, { level })
    const cohen = t.annotators.length === 2
    const kappa = cohen ? cohenKappa(t) : fleissKappa(t)
    const ac1 = gwetAC1(t)
    const percent = percentAgreement(t)
    const cis = overallIntervals(
      store,
      key,
      t,
      [alpha, kappa, ac1, percent],
      [
        (x) => krippendorffAlpha(x, { level }).value,
        (x) => (cohen ? cohenKappa(x).value : fleissKappa(x).value),
        (x) => gwetAC1(x).value,
        (x) => percentAgreement(x).value,
      ],
    )
    const name = (id: string) => names.get(id) ?? id
    const A = t.annotators.length
    const pw = pairwiseAgreement(t, { level })
    const matrix = <T>(arr: ArrayLike<number>, f: (v: number) => T): T[][] =>
      Array.from({ length: A }, (_, a) =>
        Array.from({ length: A }, (_, b) => f(arr[a * A + b] as number)),
      )
    let pairable = 0
    for (let i = 0; i < t.items.length; i++) {
      if ((t.itemStart[i + 1] as number) - (t.itemStart[i] as number) >= 2) pairable++
    }
    return {
      computedAt: now,
      level,
      counts: {
        items: t.items.length,
        annotators: A,
        annotations: t.size,
        pairableItems: pairable,
      },
      overall: {
        alpha: coefficient(alpha, cis[0]!),
        kappa: { ...coefficient(kappa, cis[1]!), kind: cohen ? 'cohen' : 'fleiss' },
        ac1: coefficient(ac1, cis[2]!),
        percent: coefficient(percent, cis[3]!),
      },
      pairwise: {
        annotators: t.annotators.map((id) => ({ id, name: name(id) })),
        kappa: matrix(pw.kappa, num),
        alpha: matrix(pw.alpha, num),
        shared: matrix(pw.shared, (v) => v),
      },
      perLabel: perLabel(store, built, project, filter),
      perAnnotator: perAnnotatorAgreement(t).map((r) => ({
        id: r.annotator,
        name: name(r.annotator),
        agreement: num(r.agreement.value),
        items: r.compared,
        rated: r.rated,
        kappa: num(r.kappa.value),
        ...(r.agreement.reason !== undefined ? { reason: r.agreement.reason } : {}),
      })),
      weekly: weekly(t, level),
    }
  })
}

function overallIntervals(
  store: AnnotationStore,
  key: string,
  t: AnnotationTable,
  results: readonly MetricResult[],
  stats: readonly ((t: AnnotationTable) => number)[],
): { low: number; high: number }[] {
  let m = intervals.get(store)
  if (!m) {
    m = new Map()
    intervals.set(store, m)
  }
  const hit = m.get(key)
  if (
    hit &&
    Math.abs(store.changes - hit.changes) <= CI_REFRESH_SHARE * Math.max(hit.size, 1) &&
    hit.changes <= store.changes
  ) {
    return hit.value
  }
  const value = bootstrapIntervals(
    t,
    results.map((r) => r.value),
    stats,
    CI_SETTINGS,
  )
  if (m.size > 32) m.clear()
  m.set(key, { changes: store.changes, size: t.size, value })
  return value
}

function perLabel(
  store: AnnotationStore,
  built: BuiltTable,
  project: ProjectInfo,
  filter: AgreementFilter,
): AgreementResponse['perLabel'] {
  const schema = project.labelSchema
  const names = new Map(schema.labels.map((l) => [l.id, l.name]))
  let rows: LabelAgreement[]
  if (schema.kind === 'single') {
    rows = perLabelAgreement(built.table)
  } else {
    const t = built.table
    const triples: { item: string; annotator: string; value: string }[] = []
    for (let i = 0; i < t.items.length; i++) {
      for (let e = t.itemStart[i] as number; e < (t.itemStart[i + 1] as number); e++) {
        const set = t.categories[t.value[e] as number] as string
        for (const label of set === '' ? [] : set.split('|')) {
          triples.push({
            item: t.items[i] as string,
            annotator: t.annotators[t.annotator[e] as number] as string,
            value: label,
          })
        }
      }
    }
    const ordered = [...schema.labels.map((l) => l.id), ...new Set(triples.map((x) => x.value))]
    rows = perLabelAgreementMulti(
      compileMultiLabelTable(triples, { categories: [...new Set(ordered)] }),
    )
  }
  void store
  void filter
  return rows.map((r) => ({
    label: String(r.label),
    name: names.get(String(r.label)) ?? String(r.label),
    alpha: num(r.alpha.value),
    positiveAgreement: num(r.positiveAgreement.value),
    count: r.used,
    ...(r.alpha.reason !== undefined ? { reason: r.alpha.reason } : {}),
  }))
}

function weekly(t: AnnotationTable, level: 'nominal' | 'ordinal'): AgreementResponse['weekly'] {
  if (t.size === 0) return []
  let min = Infinity
  for (let e = 0; e < t.size; e++) min = Math.min(min, t.time?.[e] as number)
  const windows = agreementOverTime(t, { width: WEEK_MS, origin: mondayOf(min), level })
  return windows.map((w) => ({
    week: new Date(w.start).toISOString().slice(0, 10),
    alpha: num(w.alpha.value),
    percent: num(w.agreement.value),
    annotations: w.annotations,
  }))
}

// ---------------------------------------------------------------------------------------------
// Consensus

export interface ConsensusEntry extends Consensus {
  readonly votes: Record<string, number>
}

/** The consensus of one item (see `consensusFor` in @concord/core) from the store. */
export function consensusOf(store: AnnotationStore, itemId: number, k: number): ConsensusEntry {
  const votes = votesOf(store, itemId)
  return { ...consensusFor(votes, store.adjudicated.get(itemId), k), votes }
}

/** The labels given to an item and how often, keys in code-unit order. */
export function votesOf(store: AnnotationStore, itemId: number): Record<string, number> {
  const slots = store.byItem.get(itemId) ?? []
  const labels = slots.map((s) => store.values[store.val[s] as number] as string).sort()
  const votes: Record<string, number> = {}
  for (const label of labels) votes[label] = (votes[label] ?? 0) + 1
  return votes
}

// ---------------------------------------------------------------------------------------------
// Hotspots

/** Weight of one "unsure" mark and of one ambiguity flag in an item's hotspot score. */
export const UNSURE_WEIGHT = 0.2
export const FLAG_WEIGHT = 0.2

export interface HotspotItem {
  itemId: string
  externalId: string
  text: string | null
  score: number
  reasons: string[]
  votes: Record<string, number>
}

export interface HotspotsResponse {
  computedAt: number
  items: HotspotItem[]
  labelPairs: {
    a: string
    b: string
    count: number
    coincidences: number
    examples: { itemId: string; externalId: string }[]
  }[]
  annotators: {
    id: string
    name: string
    departure: number
    items: number
    confusion: { labels: string[]; matrix: number[][] }
  }[]
}

interface HotspotCore {
  items: { itemId: number; score: number; reasons: string[] }[]
  labelPairs: { a: string; b: string; count: number; coincidences: number; examples: number[] }[]
  annotators: {
    id: string
    departure: number
    items: number
    labels: string[]
    matrix: number[][]
  }[]
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`

/**
 * The hotspot lists, computed on every label of the project (no filters):
 *
 * - items by score = normalised entropy of the item's labels (`itemDisagreement` in
 *   @concord/metrics, 0 for unanimity, 1 for labels spread over all K categories)
 *   + 0.2 per "unsure" mark + 0.2 per ambiguity flag; ties by more labels, then item id;
 *   items scoring 0 are left out;
 * - label pairs by Krippendorff's off-diagonal coincidences (`confusedPairs`), `count` the
 *   disagreeing annotator pairs, with up to 5 example items holding both labels;
 * - annotators by departure from the project consensus (the rule of `consensusFor`: the
 *   adjudicated label, else a strict majority of at least K labels): the share of their labels,
 *   on items that have a consensus, that differ from it, with the confusion matrix (rows: the
 *   annotator's label, columns: the consensus); ties by more items, then id. Annotators
 *   without any labelled item that has a consensus are left out.
 */
export function computeHotspotCore(
  store: AnnotationStore,
  project: ProjectInfo,
  flags: ReadonlyMap<number, number>,
  flagsKey: string,
  limit: number,
): HotspotCore {
  return memoized(store, `hotspots:${limit}:${flagsKey}`, () => {
    const schema = project.labelSchema
    const built = tableOf(store, schema, {})
    const t = built.table
    const d = itemDisagreement(t)
    const n = t.items.length
    // Items: score every labelled item, plus flagged items without labels.
    const score = new Float64Array(n)
    const unsure = new Int32Array(n)
    const candidates: number[] = []
    for (let i = 0; i < n; i++) {
      let u = 0
      for (let e = t.itemStart[i] as number; e < (t.itemStart[i + 1] as number); e++) {
        u += store.unsure[built.slots[e] as number] as number
      }
      unsure[i] = u
      const ent = d.entropy[i] as number
      const s =
        (Number.isFinite(ent) ? ent : 0) +
        UNSURE_WEIGHT * u +
        FLAG_WEIGHT * (flags.get(built.itemIds[i] as number) ?? 0)
      score[i] = s
      if (s > 0) candidates.push(i)
    }
    const index = new Map<number, number>()
    for (let i = 0; i < n; i++) index.set(built.itemIds[i] as number, i)
    const unlabelled = [...flags.keys()].filter((id) => !index.has(id))
    type Cand = { id: number; score: number; ratings: number; i: number }
    const all: Cand[] = candidates.map((i) => ({
      id: built.itemIds[i] as number,
      score: score[i] as number,
      ratings: d.ratings[i] as number,
      i,
    }))
    for (const id of unlabelled)
      all.push({ id, score: FLAG_WEIGHT * (flags.get(id) ?? 0), ratings: 0, i: -1 })
    all.sort((x, y) => y.score - x.score || y.ratings - x.ratings || x.id - y.id)
    const items = all.slice(0, limit).map((c) => {
      const reasons: string[] = []
      if (c.i >= 0) {
        const distinct = d.distinct[c.i] as number
        if (distinct > 1)
          reasons.push(`${distinct} labels from ${plural(c.ratings, 'annotator', 'annotators')}`)
        const u = unsure[c.i] as number
        if (u > 0) reasons.push(`${u} marked unsure`)
      }
      const f = flags.get(c.id) ?? 0
      if (f > 0) reasons.push(`flagged by ${f}`)
      return { itemId: c.id, score: c.score, reasons }
    })

    // Label pairs with examples.
    const pairs = confusedPairs(t, limit)
    const k = t.categories.length
    const pairSlot = new Map<number, number>()
    pairs.forEach((p, j) => {
      const a = t.categories.indexOf(p.a)
      const b = t.categories.indexOf(p.b)
      pairSlot.set(a * k + b, j)
      pairSlot.set(b * k + a, j)
    })
    const examples = pairs.map(() => [] as number[])
    let open = pairs.length
    const seen = new Int32Array(k).fill(-1)
    for (let i = 0; i < n && open > 0; i++) {
      const present: number[] = []
      for (let e = t.itemStart[i] as number; e < (t.itemStart[i + 1] as number); e++) {
        const c = t.value[e] as number
        if (seen[c] !== i) {
          seen[c] = i
          present.push(c)
        }
      }
      for (let x = 0; x < present.length; x++) {
        for (let y = x + 1; y < present.length; y++) {
          const j = pairSlot.get((present[x] as number) * k + (present[y] as number))
          if (j === undefined) continue
          const list = examples[j] as number[]
          if (list.length < 5) {
            list.push(built.itemIds[i] as number)
            if (list.length === 5) open--
          }
        }
      }
    }

    // Annotators against the project consensus.
    const catIndex = new Map(t.categories.map((c, i) => [c as string, i]))
    const A = t.annotators.length
    const conf = Array.from({ length: A }, () => new Float64Array(k * k))
    // The rule of consensusFor (@concord/core), inlined over category counts for speed: the
    // adjudicated label, else a strict majority of at least K labels.
    const counts = new Int32Array(k)
    for (let i = 0; i < n; i++) {
      const itemId = built.itemIds[i] as number
      const lo = t.itemStart[i] as number
      const hi = t.itemStart[i + 1] as number
      let col: number | undefined
      const adjudicated = store.adjudicated.get(itemId)
      if (adjudicated !== undefined) col = catIndex.get(adjudicated)
      else if (hi - lo >= project.overlap) {
        counts.fill(0)
        for (let e = lo; e < hi; e++) {
          const v = t.value[e] as number
          counts[v] = (counts[v] as number) + 1
        }
        for (let c = 0; c < k; c++) if ((counts[c] as number) * 2 > hi - lo) col = c
      }
      if (col === undefined) continue
      for (let e = lo; e < hi; e++) {
        const m = conf[t.annotator[e] as number] as Float64Array
        const cell = (t.value[e] as number) * k + col
        m[cell] = (m[cell] as number) + 1
      }
    }
    const annotators = t.annotators
      .map((id, a) => {
        const m = conf[a] as Float64Array
        let total = 0
        let agree = 0
        for (let x = 0; x < k * k; x++) total += m[x] as number
        for (let x = 0; x < k; x++) agree += m[x * k + x] as number
        return {
          id,
          departure: total > 0 ? 1 - agree / total : 0,
          items: total,
          labels: t.categories.map(String),
          matrix: Array.from({ length: k }, (_, r) => Array.from(m.subarray(r * k, (r + 1) * k))),
        }
      })
      .filter((x) => x.items > 0)
      .sort((x, y) => y.departure - x.departure || y.items - x.items || (x.id < y.id ? -1 : 1))
    return {
      items,
      labelPairs: pairs.map((p, j) => ({
        a: String(p.a),
        b: String(p.b),
        count: p.pairs,
        coincidences: p.coincidences,
        examples: examples[j] as number[],
      })),
      annotators,
    }
  })
}
