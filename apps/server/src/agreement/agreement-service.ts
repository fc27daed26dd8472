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
import { bootstrapIntervals, bootstrapSteps, type BootstrapSettings } from './bootstrap'
import { buildTable, type AgreementFilter, type BuiltTable } from './build-table'
import { hotspotStateOf } from './hotspot-state'
import { aggregatesOf, deriveAgreement } from './incremental'

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
  /** 'computing': low/high are null because the bootstrap is still running (ASYNC_CI_ITEMS). */
  ciReason?: 'computing'
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

/** `ci` undefined: the intervals are being computed in the background (see ASYNC_CI_ITEMS). */
function coefficient(r: MetricResult, ci: { low: number; high: number } | undefined): Coefficient {
  const value = num(r.value)
  return {
    value,
    low: value === null || !ci ? null : num(ci.low),
    high: value === null || !ci ? null : num(ci.high),
    ...(r.reason !== undefined ? { reason: r.reason } : {}),
    ...(value !== null && !ci ? { ciReason: 'computing' as const } : {}),
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
  return memoized(store, `${key}:ci${ciEpoch.get(store) ?? 0}`, () => {
    const schema = project.labelSchema
    const level = schema.ordered ? 'ordinal' : 'nominal'
    // Unfiltered single-label requests (the dashboard's default) read the incremental sums.
    if (Object.keys(filter).length === 0 && schema.kind === 'single') {
      const agg = aggregatesOf(store)
      if (agg) {
        const d = deriveAgreement(store, agg, categoriesOf(schema), level)
        // Two annotators switch kappa to Cohen's, computed on the table below.
        if (d.annotators.length !== 2)
          return fromAggregates(store, project, d, key, names, now, level)
      }
    }
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
      () => t,
      t.items.length,
      [alpha, kappa, ac1, percent].map((r) => r.value),
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
        alpha: coefficient(alpha, cis?.[0]),
        kappa: { ...coefficient(kappa, cis?.[1]), kind: cohen ? 'cohen' : 'fleiss' },
        ac1: coefficient(ac1, cis?.[2]),
        percent: coefficient(percent, cis?.[3]),
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

/**
 * Tables with more items than this get their bootstrap intervals off the request path.
 *
 * The bootstrap (200 replicates x 4 statistics) costs ~150-250 ms whatever the project's size
 * (m-out-of-n, m = 1,000), which alone would eat half the 500 ms budget of a first response. So
 * on large tables the first answer carries `low`/`high` = null with `ciReason: 'computing'`, the
 * intervals are computed on the same (immutable) table in a macrotask after the response, and
 * the next request returns them (`ciEpoch` below invalidates the memoized response). Once
 * present, intervals are reused until {@link CI_REFRESH_SHARE} of the labels changed, as before;
 * while a refresh runs in the background the previous intervals keep being served. Small tables
 * (every test fixture) still compute them inline, so their responses are unchanged.
 */
export const ASYNC_CI_ITEMS = 10_000
const CI_SLICE_MS = 8

/** Per store: bumped whenever background intervals land, part of the agreement memo key. */
const ciEpoch = new WeakMap<AnnotationStore, number>()
const ciPending = new WeakMap<AnnotationStore, Set<string>>()

type IntervalList = { low: number; high: number }[]

type Derived = ReturnType<typeof deriveAgreement>

/** The response of computeAgreement from the incremental sums (same shape, same numbers). */
function fromAggregates(
  store: AnnotationStore,
  project: ProjectInfo,
  d: Derived,
  key: string,
  names: ReadonlyMap<string, string>,
  now: number,
  level: 'nominal' | 'ordinal',
): AgreementResponse {
  const schema = project.labelSchema
  const asResult = (r: { value: number; reason?: string; n: number }): MetricResult => {
    const reason = r.reason ?? (Number.isNaN(r.value) ? 'undefined' : undefined)
    return {
      value: reason !== undefined ? Number.NaN : r.value,
      ...(reason !== undefined ? { reason } : {}),
      counts: { items: r.n, annotators: 0, pairableValues: 0, categories: 0 },
    }
  }
  const results = [d.alpha, d.fleiss, d.ac1, d.percent].map(asResult)
  // The bootstrap (rarely: first answer, then every 0.5% of changes) needs the table itself.
  const cis = overallIntervals(
    store,
    key,
    () => tableOf(store, schema, {}).table,
    d.items,
    results.map((r) => r.value),
    [
      (x) => krippendorffAlpha(x, { level }).value,
      (x) => fleissKappa(x).value,
      (x) => gwetAC1(x).value,
      (x) => percentAgreement(x).value,
    ],
  )
  const name = (id: string) => names.get(id) ?? id
  const A = d.annotators.length
  const matrix = <T>(arr: ArrayLike<number>, f: (v: number) => T): T[][] =>
    Array.from({ length: A }, (_, a) =>
      Array.from({ length: A }, (_, b) => f(arr[a * A + b] as number)),
    )
  const labelNames = new Map(schema.labels.map((l) => [l.id, l.name]))
  return {
    computedAt: now,
    level,
    counts: { items: d.items, annotators: A, annotations: d.annotations, pairableItems: d.units },
    overall: {
      alpha: coefficient(results[0]!, cis?.[0]),
      kappa: { ...coefficient(results[1]!, cis?.[1]), kind: 'fleiss' },
      ac1: coefficient(results[2]!, cis?.[2]),
      percent: coefficient(results[3]!, cis?.[3]),
    },
    pairwise: {
      annotators: d.annotators.map((id) => ({ id, name: name(id) })),
      kappa: matrix(d.pairwise.kappa, num),
      alpha: matrix(d.pairwise.alpha, num),
      shared: matrix(d.pairwise.shared, (v) => v),
    },
    perLabel: d.perLabel.map((r) => ({
      label: r.label,
      name: labelNames.get(r.label) ?? r.label,
      alpha: num(r.alpha),
      positiveAgreement: num(r.positive),
      count: r.used,
      ...(r.alphaReason !== undefined ? { reason: r.alphaReason } : {}),
    })),
    perAnnotator: d.perAnnotator.map((r) => ({
      id: r.annotator,
      name: name(r.annotator),
      agreement: num(r.agreement),
      items: r.compared,
      rated: r.rated,
      kappa: num(r.kappa),
      ...(r.reason !== undefined ? { reason: r.reason } : {}),
    })),
    weekly: d.weekly.map((w) => ({
      week: new Date(w.start).toISOString().slice(0, 10),
      alpha: num(w.alpha),
      percent: num(w.percent),
      annotations: w.annotations,
    })),
  }
}

function overallIntervals(
  store: AnnotationStore,
  key: string,
  tableOf: () => AnnotationTable,
  items: number,
  estimates: readonly number[],
  stats: readonly ((t: AnnotationTable) => number)[],
): IntervalList | null {
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
  const changes = store.changes
  const save = (value: IntervalList, t: AnnotationTable): IntervalList => {
    const map = intervals.get(store) as NonNullable<ReturnType<typeof intervals.get>>
    if (map.size > 32) map.clear()
    map.set(key, { changes, size: t.size, value })
    return value
  }
  if (items <= ASYNC_CI_ITEMS) {
    const t = tableOf()
    return save(bootstrapIntervals(t, estimates, stats, CI_SETTINGS), t)
  }
  let pending = ciPending.get(store)
  if (!pending) {
    pending = new Set()
    ciPending.set(store, pending)
  }
  if (!pending.has(key)) {
    pending.add(key)
    // Sliced: at most ~CI_SLICE_MS of event-loop time per macrotask, so requests interleave.
    let t: AnnotationTable | undefined
    let steps: ReturnType<typeof bootstrapSteps> | undefined
    const slice = () => {
      try {
        // The table (when the incremental path answered) is compiled in the first slice too.
        t ??= tableOf()
        steps ??= bootstrapSteps(t, estimates, stats, CI_SETTINGS)
        const until = performance.now() + CI_SLICE_MS
        for (;;) {
          const r = steps.next()
          if (r.done) {
            save(r.value, t)
            ciEpoch.set(store, (ciEpoch.get(store) ?? 0) + 1)
            pending.delete(key)
            return
          }
          if (performance.now() >= until) break
        }
        setTimeout(slice, 0)
      } catch {
        // Never crash the server from a timer: the intervals stay null and the next request
        // that needs them schedules the bootstrap again.
        pending.delete(key)
      }
    }
    setTimeout(slice, 0)
  }
  return hit && hit.changes <= store.changes ? hit.value : null
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
    const fast = hotspotsFromState(store, project, flags, limit)
    if (fast) return fast
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

/**
 * computeHotspotCore from the incrementally kept per-item scores and sums (hotspot-state.ts):
 * the same lists, with a top-N scan instead of scoring and sorting every item.
 */
function hotspotsFromState(
  store: AnnotationStore,
  project: ProjectInfo,
  flags: ReadonlyMap<number, number>,
  limit: number,
): HotspotCore | undefined {
  const declared = categoriesOf(project.labelSchema)
  const extra = store.values.filter((v) => !declared.includes(v)).sort()
  const cats = [...declared, ...extra]
  const st = hotspotStateOf(store, cats, project.overlap)
  if (!st) return undefined
  const k = cats.length
  type Cand = { id: number; score: number; ratings: number; i: number }
  const before = (x: Cand, y: Cand) => y.score - x.score || y.ratings - x.ratings || x.id - y.id
  const top: Cand[] = []
  const offer = (c: Cand) => {
    if (limit <= 0) return
    if (top.length === limit && before(c, top[top.length - 1] as Cand) >= 0) return
    let j = top.length
    top.push(c)
    while (j > 0 && before(c, top[j - 1] as Cand) < 0) {
      top[j] = top[j - 1] as Cand
      j--
    }
    top[j] = c
    if (top.length > limit) top.pop()
  }
  const n = st.ids.length
  for (let i = 0; i < n; i++) {
    const id = st.ids[i] as number
    const ent = st.entropy[i] as number
    const s =
      (Number.isFinite(ent) ? ent : 0) +
      UNSURE_WEIGHT * (st.unsure[i] as number) +
      FLAG_WEIGHT * (flags.get(id) ?? 0)
    if (s > 0) offer({ id, score: s, ratings: st.ratings[i] as number, i })
  }
  for (const [id, f] of flags) {
    if (!st.index.has(id)) offer({ id, score: FLAG_WEIGHT * f, ratings: 0, i: -1 })
  }
  const items = top.map((c) => {
    const reasons: string[] = []
    if (c.i >= 0) {
      const distinct = st.distinct[c.i] as number
      if (distinct > 1)
        reasons.push(`${distinct} labels from ${plural(c.ratings, 'annotator', 'annotators')}`)
      const u = st.unsure[c.i] as number
      if (u > 0) reasons.push(`${u} marked unsure`)
    }
    const f = flags.get(c.id) ?? 0
    if (f > 0) reasons.push(`flagged by ${f}`)
    return { itemId: c.id, score: c.score, reasons }
  })

  // Label pairs (confusedPairs): off-diagonal coincidences and disagreeing pairs.
  const catIndex = new Map(cats.map((c, i) => [c, i]))
  const V = store.values.length
  const catOf = store.values.map((v) => catIndex.get(v) as number)
  const o = new Float64Array(k * k)
  const raw = new Float64Array(k * k)
  for (let m = 2; m <= st.ac; m++) {
    for (let v = 0; v < V; v++) {
      for (let w = 0; w < V; w++) {
        const x = st.pairM[(m * st.vc + v) * st.vc + w] as number
        if (x === 0) continue
        const c = catOf[v] as number
        const j = catOf[w] as number
        if (c >= j) continue
        raw[c * k + j] = (raw[c * k + j] as number) + x
        o[c * k + j] = (o[c * k + j] as number) + x / (m - 1)
      }
    }
  }
  let pairs: { a: string; b: string; coincidences: number; pairs: number; c: number; j: number }[] =
    []
  for (let c = 0; c < k; c++) {
    for (let j = c + 1; j < k; j++) {
      const p = raw[c * k + j] as number
      if (p > 0)
        pairs.push({
          a: cats[c] as string,
          b: cats[j] as string,
          coincidences: o[c * k + j] as number,
          pairs: p,
          c,
          j,
        })
    }
  }
  pairs.sort((x, y) => y.coincidences - x.coincidences || y.pairs - x.pairs)
  pairs = pairs.slice(0, limit)
  const pairSlot = new Map<number, number>()
  pairs.forEach((p, j) => {
    pairSlot.set(p.c * k + p.j, j)
    pairSlot.set(p.j * k + p.c, j)
  })
  const examples = pairs.map(() => [] as number[])
  let open = pairs.length
  for (const [itemId, list] of store.byItem) {
    if (open === 0) break
    if (list.length < 2) continue
    const present: number[] = []
    for (const slot of list) {
      const c = catOf[store.val[slot] as number] as number
      if (!present.includes(c)) present.push(c)
    }
    for (let x = 0; x < present.length; x++) {
      for (let y = x + 1; y < present.length; y++) {
        const j = pairSlot.get((present[x] as number) * k + (present[y] as number))
        if (j === undefined) continue
        const ex = examples[j] as number[]
        if (ex.length < 5) {
          ex.push(itemId)
          if (ex.length === 5) open--
        }
      }
    }
  }

  // Annotators against the project consensus.
  const ids = [...store.annotators].sort()
  const annotators = ids
    .map((id) => {
      const a = store.annotatorCode.get(id) as number
      const mtx = new Float64Array(k * k)
      for (let v = 0; v < V; v++) {
        const row = catOf[v] as number
        for (let col = 0; col < k; col++) {
          const x = st.conf[(a * st.vc + v) * k + col] as number
          if (x !== 0) mtx[row * k + col] = (mtx[row * k + col] as number) + x
        }
      }
      let total = 0
      let agree = 0
      for (let x = 0; x < k * k; x++) total += mtx[x] as number
      for (let x = 0; x < k; x++) agree += mtx[x * k + x] as number
      return {
        id,
        departure: total > 0 ? 1 - agree / total : 0,
        items: total,
        labels: cats.map(String),
        matrix: Array.from({ length: k }, (_, r) => Array.from(mtx.subarray(r * k, (r + 1) * k))),
      }
    })
    .filter((x) => x.items > 0)
    .sort((x, y) => y.departure - x.departure || y.items - x.items || (x.id < y.id ? -1 : 1))
  return {
    items,
    labelPairs: pairs.map((p, j) => ({
      a: p.a,
      b: p.b,
      count: p.pairs,
      coincidences: p.coincidences,
      examples: examples[j] as number[],
    })),
    annotators,
  }
}
