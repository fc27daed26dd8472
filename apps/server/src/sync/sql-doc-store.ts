import {
  checkLabelValue,
  encodeLabelValue,
  labelSchemaSchema,
  parseAdjudicationEntry,
  parseLabelEntry,
  type LabelSchema,
} from '@concord/core'
import { sql, type CompiledQuery, type Kysely, type Transaction } from 'kysely'
import type SQLite from 'better-sqlite3'
import type { Clock } from '../clock'
import type { Database } from '../db/database'
import type {
  AdjudicationChange,
  CommitBatch,
  CommitResult,
  DocStore,
  LabelChange,
  LogWatch,
  ProjectedChange,
} from './doc-store'
import { InThreadLogFolder, sameRows, type LogFolder, type LogRange } from './log-folder'
import { prepareMaxSeq, SqliteAppender } from './sqlite-appender'

const INSERT_CHUNK = 200
/** Up to this many rows, one precompiled insert per row beats building a multi-row insert. */
const SMALL_BATCH = 16

/**
 * The update log and the annotations projection in SQL, through Kysely (so a PostgreSQL dialect
 * can replace SQLite). One commit is one transaction: the updates of a batch and the projection
 * rows they imply land together or not at all. A compaction is a transaction of its own.
 */
export class SqlDocStore implements DocStore {
  private readonly hot: HotQueries
  private readonly appender: SqliteAppender | undefined
  private readonly flushSoon: () => void
  private readonly folder: LogFolder
  readonly others: LogWatch | undefined
  /**
   * @param flush resolves once what was committed is on stable storage (OpenedDatabase's
   *   `durable`).
   * @param fast.sqlite the raw handle under `db`, when it is SQLite: append-only commits then
   *   take the fast path (see SqliteAppender).
   * @param fast.flushSoon OpenedDatabase's `durableSoon`; without it, commits nobody waits on
   *   reach the disk when the owner next flushes (tools that close the database when done).
   * @param fast.folder reads and folds logs for compaction; default: on the calling thread.
   */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly flush: () => Promise<void>,
    fast: {
      readonly sqlite?: SQLite.Database
      readonly flushSoon?: () => void
      readonly folder?: LogFolder
    } = {},
  ) {
    this.hot = new HotQueries(db)
    this.appender = fast.sqlite ? new SqliteAppender(fast.sqlite) : undefined
    this.flushSoon = fast.flushSoon ?? (() => undefined)
    this.folder = fast.folder ?? new InThreadLogFolder(db)
    this.others = fast.sqlite ? new SqliteLogWatch(fast.sqlite, db) : undefined
  }

  durable(): Promise<void> {
    return this.flush()
  }

  durableSoon(): void {
    this.flushSoon()
  }

  async load(doc: string): Promise<Uint8Array[]> {
    const rows = await this.db
      .selectFrom('doc_updates')
      .select('update')
      .where('doc', '=', doc)
      .orderBy('seq')
      .execute()
    return rows.map((r) => r.update)
  }

  async commit(batch: CommitBatch): Promise<CommitResult> {
    if (batch.updates.length === 0 && batch.changes.length === 0) return { rejected: [] }
    if (this.appender?.ready() && batch.changes.length === 0) {
      return { rejected: [], lastSeqs: this.appender.append(batch.updates, this.clock.now()) }
    }
    return this.db.transaction().execute(async (trx) => {
      const now = this.clock.now()
      const lastSeqs = await appendUpdates(trx, this.hot, batch.updates, now)
      const rejected = await projectChanges(trx, batch.changes, now)
      return { rejected, lastSeqs }
    })
  }

  /**
   * Folds the rows up to the last one read (seq N) into one update stored at seq N. Rows appended
   * meanwhile, by this server or another writer, get sequence numbers above N and stay. The rows
   * up to N are checked before they are replaced: if another writer compacted them since they
   * were read, nothing is written.
   */
  async compact(doc: string): Promise<{ folded: number }> {
    const folded = await this.folder.fold(doc)
    if (!folded || folded.rows < 2) return { folded: 0 }
    const now = this.clock.now()
    if (this.appender?.ready()) {
      return { folded: this.appender.replaceLog(doc, folded, now) ? folded.rows : 0 }
    }
    return this.db.transaction().execute(async (trx) => {
      if (!sameRows(await readRange(trx, doc, folded.lastSeq), folded)) return { folded: 0 }
      await trx
        .deleteFrom('doc_updates')
        .where('doc', '=', doc)
        .where('seq', '<=', folded.lastSeq)
        .execute()
      await trx
        .insertInto('doc_updates')
        .values({ doc, seq: folded.lastSeq, update: folded.state, created_at: now })
        .execute()
      return { folded: folded.rows }
    })
  }
}

/**
 * Sees commits of other connections to the same file through SQLite's `data_version`, which
 * changes only for those: not for this connection's own writes, nor for the PASSIVE checkpoints
 * of the checkpoint worker.
 */
class SqliteLogWatch implements LogWatch {
  private version: number
  /** Run at every room load: prepared once on the raw handle, as SqliteAppender's statements. */
  private readonly maxSeq: SQLite.Statement<[string], number>

  constructor(
    private readonly sqlite: SQLite.Database,
    private readonly db: Kysely<Database>,
  ) {
    this.version = this.read()
    this.maxSeq = prepareMaxSeq(sqlite)
  }

  changed(): boolean {
    const now = this.read()
    if (now === this.version) return false
    this.version = now
    return true
  }

  async lastSeq(doc: string): Promise<number> {
    return this.maxSeq.get(doc)!
  }

  rowsAfter(doc: string, seq: number): Promise<Array<{ seq: number; update: Uint8Array }>> {
    return this.db
      .selectFrom('doc_updates')
      .select(['seq', 'update'])
      .where('doc', '=', doc)
      .where('seq', '>', seq)
      .orderBy('seq')
      .execute()
  }

  private read(): number {
    return this.sqlite.pragma('data_version', { simple: true }) as number
  }
}

async function readRange(trx: Transaction<Database>, doc: string, last: number): Promise<LogRange> {
  const row = await trx
    .selectFrom('doc_updates')
    .select((eb) => [
      eb.fn.countAll<number>().as('rows'),
      sql<number>`coalesce(min(seq), 0)`.as('firstSeq'),
      sql<number>`coalesce(max(seq), 0)`.as('lastSeq'),
    ])
    .where('doc', '=', doc)
    .where('seq', '<=', last)
    .executeTakeFirstOrThrow()
  return { rows: Number(row.rows), firstSeq: row.firstSeq, lastSeq: row.lastSeq }
}

/**
 * The two statements of nearly every commit, built and compiled once by the active dialect; each
 * run only swaps the parameters. Building and compiling a Kysely query costs more than SQLite
 * takes to run it, and a busy document commits hundreds of times a second.
 */
class HotQueries {
  private readonly maxSeq: CompiledQuery<{ max: number }>
  private readonly append: CompiledQuery

  constructor(db: Kysely<Database>) {
    this.maxSeq = db
      .selectFrom('doc_updates')
      .select(sql<number>`coalesce(max(seq), 0)`.as('max'))
      .where('doc', '=', '')
      .compile()
    this.append = db
      .insertInto('doc_updates')
      .values({ doc: '', seq: 0, update: new Uint8Array(), created_at: 0 })
      .compile()
    // The parameters below are positional: fail at start-up, not in a commit, if they drift.
    if (this.maxSeq.parameters.length !== 1 || this.append.parameters.length !== 4) {
      throw new Error('doc_updates statements compiled to unexpected parameters')
    }
  }

  async nextSeq(trx: Transaction<Database>, doc: string): Promise<number> {
    const { rows } = await trx.executeQuery<{ max: number }>({ ...this.maxSeq, parameters: [doc] })
    return (rows[0]?.max ?? 0) + 1
  }

  async insert(trx: Transaction<Database>, row: Database['doc_updates']): Promise<void> {
    await trx.executeQuery({
      ...this.append,
      parameters: [row.doc, row.seq, row.update, row.created_at],
    })
  }
}

async function appendUpdates(
  trx: Transaction<Database>,
  hot: HotQueries,
  updates: CommitBatch['updates'],
  now: number,
): Promise<Map<string, number>> {
  // Sequence numbers are allocated in SQL, not in memory, so an offline writer (the CLI) and
  // the server can append to the same log without colliding.
  const last = new Map<string, number>()
  const rows: Database['doc_updates'][] = []
  for (const { doc, update } of updates) {
    const previous = last.get(doc)
    const seq = previous === undefined ? await hot.nextSeq(trx, doc) : previous + 1
    rows.push({ doc, seq, update, created_at: now })
    last.set(doc, seq)
  }
  if (rows.length <= SMALL_BATCH) {
    for (const row of rows) await hot.insert(trx, row)
    return last
  }
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    await trx
      .insertInto('doc_updates')
      .values(rows.slice(i, i + INSERT_CHUNK))
      .execute()
  }
  return last
}

type Check<T> = { ok: true; entry: T } | { ok: false; reason: string }

/**
 * Projects label and adjudication entries into `annotations` and `adjudications`. An entry is
 * projected only when its project exists, its key is an item of that project and its value is in
 * the project's schema; anything else removes the row and is reported back as rejected.
 */
async function projectChanges(
  trx: Transaction<Database>,
  changes: readonly ProjectedChange[],
  now: number,
): Promise<CommitResult['rejected']> {
  if (changes.length === 0) return []
  const rejected: { change: ProjectedChange; reason: string }[] = []
  const schemas = new Map<string, LabelSchema | undefined>()
  const labelCounts = new Set<number>()
  for (const change of changes) {
    if (!schemas.has(change.project))
      schemas.set(change.project, await loadSchema(trx, change.project))
    const schema = schemas.get(change.project)
    const itemId = await findItem(trx, change.project, change.itemKey)
    if (itemId !== undefined) await removeRow(trx, change, itemId)
    if (change.kind === 'label' && itemId !== undefined) labelCounts.add(itemId)
    if (change.entry === undefined) continue

    const parsed: Check<{ value: unknown }> =
      change.kind === 'label'
        ? mapCheck(parseLabelEntry(change.entry), (e) => ({ value: e.value }))
        : mapCheck(parseAdjudicationEntry(change.entry), (e) => ({ value: e.label }))
    const reason =
      schema === undefined
        ? `project '${change.project}' does not exist`
        : itemId === undefined
          ? `item '${change.itemKey}' is not an item of project '${change.project}'`
          : !parsed.ok
            ? parsed.reason
            : undefined
    if (reason !== undefined || schema === undefined || itemId === undefined || !parsed.ok) {
      rejected.push({ change, reason: reason ?? 'invalid entry' })
      continue
    }
    const value = checkLabelValue(schema, parsed.entry.value)
    if (!value.ok) {
      rejected.push({ change, reason: value.reason })
      continue
    }
    if (change.kind === 'label') {
      await insertAnnotation(trx, change, itemId, encodeLabelValue(value.value), now)
    } else {
      await insertAdjudication(trx, change, itemId, encodeLabelValue(value.value))
    }
  }
  for (const id of labelCounts) await recountLabels(trx, id)
  return rejected
}

function mapCheck<A, B>(check: Check<A>, f: (a: A) => B): Check<B> {
  return check.ok ? { ok: true, entry: f(check.entry) } : check
}

async function loadSchema(
  trx: Transaction<Database>,
  project: string,
): Promise<LabelSchema | undefined> {
  const row = await trx
    .selectFrom('projects')
    .select('label_schema')
    .where('id', '=', project)
    .executeTakeFirst()
  return row ? labelSchemaSchema.parse(JSON.parse(row.label_schema)) : undefined
}

async function findItem(
  trx: Transaction<Database>,
  project: string,
  key: string,
): Promise<number | undefined> {
  if (!/^[1-9][0-9]{0,15}$/.test(key)) return undefined
  const row = await trx
    .selectFrom('items')
    .select('id')
    .where('id', '=', Number(key))
    .where('project_id', '=', project)
    .executeTakeFirst()
  return row?.id
}

async function removeRow(
  trx: Transaction<Database>,
  change: ProjectedChange,
  itemId: number,
): Promise<void> {
  if (change.kind === 'label') {
    await trx
      .deleteFrom('annotations')
      .where('item_id', '=', itemId)
      .where('annotator_id', '=', change.annotator)
      .execute()
  } else {
    await trx.deleteFrom('adjudications').where('item_id', '=', itemId).execute()
  }
}

async function insertAnnotation(
  trx: Transaction<Database>,
  change: LabelChange,
  itemId: number,
  value: string,
  now: number,
): Promise<void> {
  const entry = parseLabelEntry(change.entry)
  if (!entry.ok) return
  await trx
    .insertInto('annotations')
    .values({
      project_id: change.project,
      item_id: itemId,
      annotator_id: change.annotator,
      value,
      unsure: entry.entry.unsure ? 1 : 0,
      note: entry.entry.note ?? '',
      updated_at: Number.isFinite(entry.entry.at) ? entry.entry.at : now,
      booklet_version: entry.entry.bookletVersion ?? null,
    })
    .execute()
  // A labelled slot is no longer a reservation: the label itself now counts toward K.
  await trx
    .deleteFrom('assignments')
    .where('item_id', '=', itemId)
    .where('annotator_id', '=', change.annotator)
    .execute()
}

async function insertAdjudication(
  trx: Transaction<Database>,
  change: AdjudicationChange,
  itemId: number,
  label: string,
): Promise<void> {
  const entry = parseAdjudicationEntry(change.entry)
  if (!entry.ok) return
  await trx
    .insertInto('adjudications')
    .values({
      project_id: change.project,
      item_id: itemId,
      label,
      rationale: entry.entry.rationale,
      decided_by: entry.entry.by,
      decided_at: entry.entry.at,
      session_id: entry.entry.session ?? null,
    })
    .execute()
}

async function recountLabels(trx: Transaction<Database>, itemId: number): Promise<void> {
  await trx
    .updateTable('items')
    .set((eb) => ({
      label_count: eb
        .selectFrom('annotations')
        .select(eb.fn.countAll<number>().as('n'))
        .where('annotations.item_id', '=', itemId),
    }))
    .where('id', '=', itemId)
    .execute()
}
