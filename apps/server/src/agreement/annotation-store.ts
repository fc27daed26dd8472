import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/database'

/**
 * A project's annotations and adjudications held in memory, columnar, and kept current
 * incrementally, so that agreement, consensus and hotspots never re-read 500,000 rows on an
 * update.
 *
 * How it stays current (`refresh`, run before every read):
 * 1. A global gate: `total_changes()` (writes on this connection, which is the server's only
 *    one) and `PRAGMA data_version` (commits by other connections). Both are O(1); when neither
 *    moved, nothing in the database changed and the cache is used as is.
 * 2. Otherwise the rows with `rowid >= lastRowid - 64` are read (a rowid range, O(new rows)).
 *    The projection writes a label as delete + insert, so every new or changed label gets a
 *    rowid above the last one seen; SQLite reuses the top rowid when the newest row itself was
 *    replaced, which the 64-row window re-reads and compares.
 * 3. `count(*)` of the project's annotations (a covering-index scan) must equal the cached
 *    count; if not, labels were deleted and the project is reloaded in full.
 * 4. Adjudications are re-read when their count, max rowid or decision-time total moved.
 * Every change bumps `version`, which keys the computed responses.
 */
export interface StoreSnapshot {
  readonly version: number
  /** Label changes seen since the store was loaded (for refreshing confidence intervals). */
  readonly changes: number
}

const WINDOW = 64
/** Rowids per chunk of the full load. */
const CHUNK = 65_536

interface Row {
  r: number
  item_id: number
  annotator_id: string
  value: string
  unsure: number
  updated_at: number
}

export class AnnotationStore {
  readonly annotators: string[] = []
  readonly annotatorCode = new Map<string, number>()
  readonly values: string[] = []
  readonly valueCode = new Map<string, number>()
  /** Per slot: item id, annotator code, value code, unsure, time (deletes reload in full). */
  item: number[] = []
  ann: number[] = []
  val: number[] = []
  unsure: number[] = []
  at: number[] = []
  /** Slots per item id. */
  readonly byItem = new Map<number, number[]>()
  readonly adjudicated = new Map<number, string>()
  live = 0
  version = 0
  changes = 0
  /**
   * Bumped on every full (re)load: incremental aggregates built on an older epoch are rebuilt.
   */
  epoch = 0
  /**
   * Change log for incremental consumers (incremental.ts): for every label change since the
   * last full load, the item and its entries just before the change (annotator code, value
   * code, time, flattened). `logBase` is the sequence number of `log[0]`.
   */
  log: { item: number; old: number[] }[] = []
  logBase = 0
  /** Bumped whenever the adjudications were re-read. */
  adjVersion = 0
  private loading = false
  private lastItem = -1
  private lastList: number[] | undefined
  private lastRowid = 0
  private gate = ''
  private adjGate = ''
  private loaded = false

  constructor(
    private readonly db: Kysely<Database>,
    readonly projectId: string,
  ) {}

  /** Brings the store up to date with the database (see the class comment). */
  async refresh(): Promise<StoreSnapshot> {
    const gate = await this.readGate()
    if (this.loaded && gate === this.gate) return this
    if (!this.loaded) {
      await this.loadAll()
    } else {
      const rows =
        await sql<Row>`select rowid as r, item_id, annotator_id, value, unsure, updated_at
        from annotations where rowid >= ${Math.max(0, this.lastRowid - WINDOW)} and +project_id = ${this.projectId}`.execute(
          this.db,
        )
      for (const row of rows.rows) this.apply(row)
      const count = await sql<{
        n: number
      }>`select count(*) as n from annotations where project_id = ${this.projectId}`.execute(
        this.db,
      )
      if (Number(count.rows[0]?.n ?? 0) !== this.live) await this.loadAll()
    }
    await this.refreshAdjudications()
    this.gate = gate
    this.loaded = true
    return this
  }

  private async readGate(): Promise<string> {
    const tc = await sql<{ tc: number }>`select total_changes() as tc`.execute(this.db)
    const dv = await sql<{ data_version: number }>`pragma data_version`.execute(this.db)
    return `${tc.rows[0]?.tc}:${dv.rows[0]?.data_version}`
  }

  private reset(): void {
    this.lastItem = -1
    this.lastList = undefined
    this.epoch++
    this.logBase += this.log.length
    this.log = []
    this.item = []
    this.ann = []
    this.val = []
    this.unsure = []
    this.at = []
    this.byItem.clear()
    this.live = 0
    this.lastRowid = 0
  }

  /** Loads every label of the project (see loadJson); no change-log entries while loading. */
  private async loadAll(): Promise<void> {
    this.reset()
    this.loading = true
    try {
      await this.loadJson()
    } finally {
      this.loading = false
    }
    this.version++
  }

  /**
   * Loads every label of the project: SQLite packs each column of a range of 65,536 rowids into
   * one JSON array (`json_group_array`), which `JSON.parse` turns into JS numbers and
   * (internalized) strings far faster than better-sqlite3 materializes 500,000 row objects or
   * arrays (~700 ms), or than the former group_concat strings split in JS (~1,300 ms with the
   * per-row work): ~280 ms for 500,000 labels on the bench machine. When the project holds most
   * of the table's rows, rowid ranges with `+project_id` (sequential reads) beat the
   * (project_id, annotator_id) index, whose row lookups are random; otherwise the index is used.
   */
  private async loadJson(): Promise<void> {
    const size = await sql<{ n: number; lo: number | null; hi: number | null }>`select
      (select count(*) from annotations where project_id = ${this.projectId}) as n,
      (select min(rowid) from annotations) as lo, (select max(rowid) from annotations) as hi`.execute(
      this.db,
    )
    const n = Number(size.rows[0]?.n ?? 0)
    const lo = Number(size.rows[0]?.lo ?? 0)
    const hi = Number(size.rows[0]?.hi ?? 0)
    if (n === 0) return
    type Chunk = Record<'r' | 'i' | 't' | 'u' | 'a' | 'v', string>
    if (n * 2 < hi - lo + 1) {
      // A small share of the table: the project index, one chunk.
      const rows = await sql<Chunk>`select json_group_array(rowid) as r,
          json_group_array(item_id) as i, json_group_array(updated_at) as t,
          json_group_array(unsure) as u, json_group_array(annotator_id) as a, json_group_array(value) as v
          from annotations where project_id = ${this.projectId}`.execute(this.db)
      for (const c of rows.rows) this.applyChunk(c)
      return
    }
    // Most of the table: rowid ranges (no GROUP BY, whose temp b-tree doubled the cost).
    for (let from = lo; from <= hi; from += CHUNK) {
      const rows = await sql<Chunk>`select json_group_array(rowid) as r,
          json_group_array(item_id) as i, json_group_array(updated_at) as t,
          json_group_array(unsure) as u, json_group_array(annotator_id) as a, json_group_array(value) as v
          from annotations where rowid >= ${from} and rowid < ${from + CHUNK} and +project_id = ${this.projectId}`.execute(
        this.db,
      )
      for (const c of rows.rows) this.applyChunk(c)
    }
  }

  private applyChunk(c: Record<'r' | 'i' | 't' | 'u' | 'a' | 'v', string>): void {
    const r = JSON.parse(c.r) as number[]
    if (r.length === 0) return
    const it = JSON.parse(c.i) as number[]
    const t = JSON.parse(c.t) as number[]
    const u = JSON.parse(c.u) as number[]
    const a = JSON.parse(c.a) as string[]
    const v = JSON.parse(c.v) as string[]
    // A full load sees each (item, annotator) once (the primary key): append without the slot
    // search and change bookkeeping of `apply`.
    const { annotatorCode, byItem } = this
    for (let x = 0; x < r.length; x++) {
      const rowid = r[x] as number
      if (rowid > this.lastRowid) this.lastRowid = rowid
      const name = a[x] as string
      let code = annotatorCode.get(name)
      if (code === undefined) {
        code = this.annotators.length
        this.annotators.push(name)
        annotatorCode.set(name, code)
      }
      const itemId = it[x] as number
      const s = this.item.length
      this.item.push(itemId)
      this.ann.push(code)
      this.val.push(this.codeOfValue(v[x] as string))
      this.unsure.push(u[x] ? 1 : 0)
      this.at.push(t[x] as number)
      const list = itemId === this.lastItem ? this.lastList : byItem.get(itemId)
      if (list) list.push(s)
      else {
        const fresh = [s]
        byItem.set(itemId, fresh)
        this.lastItem = itemId
        this.lastList = fresh
      }
    }
    this.live += r.length
    this.changes += r.length
  }

  codeOfValue(value: string): number {
    let code = this.valueCode.get(value)
    if (code === undefined) {
      code = this.values.length
      this.values.push(value)
      this.valueCode.set(value, code)
    }
    return code
  }

  private apply(row: Row): void {
    if (row.r > this.lastRowid) this.lastRowid = row.r
    let a = this.annotatorCode.get(row.annotator_id)
    if (a === undefined) {
      a = this.annotators.length
      this.annotators.push(row.annotator_id)
      this.annotatorCode.set(row.annotator_id, a)
    }
    const v = this.codeOfValue(row.value)
    // The slot of (item, annotator): a scan of the item's handful of slots, which is much
    // cheaper on a 500,000-row load than a 500,000-entry Map keyed by item and annotator.
    // Labels of one item usually arrive together on a load: reuse the last item's list.
    const list = row.item_id === this.lastItem ? this.lastList : this.byItem.get(row.item_id)
    let slot: number | undefined
    if (list) {
      for (let j = 0; j < list.length; j++) {
        if (this.ann[list[j] as number] === a) {
          slot = list[j] as number
          break
        }
      }
    }
    const unsure = row.unsure ? 1 : 0
    if (slot !== undefined) {
      if (this.val[slot] === v && this.unsure[slot] === unsure && this.at[slot] === row.updated_at)
        return
      if (!this.loading) this.logChange(row.item_id, list)
      this.val[slot] = v
      this.unsure[slot] = unsure
      this.at[slot] = row.updated_at
    } else {
      if (!this.loading) this.logChange(row.item_id, list)
      const s = this.item.length
      this.item.push(row.item_id)
      this.ann.push(a)
      this.val.push(v)
      this.unsure.push(unsure)
      this.at.push(row.updated_at)
      if (list) list.push(s)
      else {
        const fresh = [s]
        this.byItem.set(row.item_id, fresh)
        this.lastItem = row.item_id
        this.lastList = fresh
      }
      this.live++
    }
    this.version++
    this.changes++
  }

  private logChange(itemId: number, slots: number[] | undefined): void {
    const old: number[] = []
    if (slots) {
      for (const s of slots)
        old.push(
          this.ann[s] as number,
          this.val[s] as number,
          this.at[s] as number,
          this.unsure[s] as number,
        )
    }
    this.log.push({ item: itemId, old })
    // A long log is as costly as a rebuild: drop it and let consumers rebuild.
    if (this.log.length > 50_000) {
      this.epoch++
      this.logBase += this.log.length
      this.log = []
    }
  }

  private async refreshAdjudications(): Promise<void> {
    const g = await sql<{
      n: number
      r: number | null
      t: number | null
    }>`select count(*) as n, max(rowid) as r, total(decided_at) as t from adjudications where project_id = ${this.projectId}`.execute(
      this.db,
    )
    const row = g.rows[0]
    const gate = `${row?.n}:${row?.r}:${row?.t}`
    if (gate === this.adjGate) return
    const rows = await sql<{
      item_id: number
      label: string
    }>`select item_id, label from adjudications where project_id = ${this.projectId}`.execute(
      this.db,
    )
    this.adjudicated.clear()
    for (const r of rows.rows) this.adjudicated.set(r.item_id, r.label)
    this.adjGate = gate
    this.adjVersion++
    this.version++
  }
}

const stores = new WeakMap<Kysely<Database>, Map<string, AnnotationStore>>()

/** The store of `projectId` on `db`, created on first use and kept for the process. */
export function storeFor(db: Kysely<Database>, projectId: string): AnnotationStore {
  let byProject = stores.get(db)
  if (!byProject) {
    byProject = new Map()
    stores.set(db, byProject)
  }
  let store = byProject.get(projectId)
  if (!store) {
    store = new AnnotationStore(db, projectId)
    byProject.set(projectId, store)
  }
  return store
}
