import {
  checkLabelValue,
  encodeLabelValue,
  labelSchemaSchema,
  parseLabelEntry,
  type LabelSchema,
} from '@concord/core'
import { sql, type Kysely, type Transaction } from 'kysely'
import type { Clock } from '../clock'
import type { Database } from '../db/database'
import type { CommitBatch, CommitResult, DocStore, LabelChange } from './doc-store'

const INSERT_CHUNK = 200

/**
 * The update log and the annotations projection in SQL, through Kysely (so a PostgreSQL dialect
 * can replace SQLite). One commit is one transaction: the updates of a batch, the projection rows
 * they imply, and any compaction land together or not at all.
 */
export class SqlDocStore implements DocStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

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
    if (batch.updates.length === 0 && batch.labels.length === 0 && batch.compactions.length === 0) {
      return { rejected: [] }
    }
    return this.db.transaction().execute(async (trx) => {
      const now = this.clock.now()
      await appendUpdates(trx, batch.updates, now)
      const rejected = await projectLabels(trx, batch.labels, now)
      for (const { doc, state } of batch.compactions) {
        const next = await nextSeq(trx, doc)
        await trx.deleteFrom('doc_updates').where('doc', '=', doc).execute()
        await trx
          .insertInto('doc_updates')
          .values({ doc, seq: next, update: state, created_at: now })
          .execute()
      }
      return { rejected }
    })
  }
}

async function nextSeq(trx: Transaction<Database>, doc: string): Promise<number> {
  const row = await trx
    .selectFrom('doc_updates')
    .select(sql<number>`coalesce(max(seq), 0)`.as('max'))
    .where('doc', '=', doc)
    .executeTakeFirst()
  return (row?.max ?? 0) + 1
}

async function appendUpdates(
  trx: Transaction<Database>,
  updates: CommitBatch['updates'],
  now: number,
): Promise<void> {
  // Sequence numbers are allocated in SQL, not in memory, so an offline writer (the CLI) and
  // the server can append to the same log without colliding.
  const seqs = new Map<string, number>()
  const rows: Database['doc_updates'][] = []
  for (const { doc, update } of updates) {
    let seq = seqs.get(doc)
    if (seq === undefined) seq = await nextSeq(trx, doc)
    rows.push({ doc, seq, update, created_at: now })
    seqs.set(doc, seq + 1)
  }
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    await trx
      .insertInto('doc_updates')
      .values(rows.slice(i, i + INSERT_CHUNK))
      .execute()
  }
}

async function projectLabels(
  trx: Transaction<Database>,
  changes: readonly LabelChange[],
  now: number,
): Promise<CommitResult['rejected']> {
  if (changes.length === 0) return []
  const rejected: { change: LabelChange; reason: string }[] = []
  const schemas = new Map<string, LabelSchema | undefined>()
  const touched = new Set<number>()
  for (const change of changes) {
    let schema = schemas.get(change.project)
    if (!schemas.has(change.project)) {
      const row = await trx
        .selectFrom('projects')
        .select('label_schema')
        .where('id', '=', change.project)
        .executeTakeFirst()
      schema = row ? labelSchemaSchema.parse(JSON.parse(row.label_schema)) : undefined
      schemas.set(change.project, schema)
    }
    const itemId = /^[1-9][0-9]{0,15}$/.test(change.itemKey) ? Number(change.itemKey) : undefined
    const item =
      itemId === undefined
        ? undefined
        : await trx
            .selectFrom('items')
            .select('id')
            .where('id', '=', itemId)
            .where('project_id', '=', change.project)
            .executeTakeFirst()
    const remove = async (): Promise<void> => {
      if (item === undefined) return
      await trx
        .deleteFrom('annotations')
        .where('item_id', '=', item.id)
        .where('annotator_id', '=', change.annotator)
        .execute()
      touched.add(item.id)
    }
    if (change.entry === undefined) {
      await remove()
      continue
    }
    const reason =
      schema === undefined
        ? `project '${change.project}' does not exist`
        : item === undefined
          ? `item '${change.itemKey}' is not an item of project '${change.project}'`
          : undefined
    const parsed = parseLabelEntry(change.entry)
    const checked = parsed.ok && schema ? checkLabelValue(schema, parsed.entry.value) : undefined
    const why =
      reason ?? (!parsed.ok ? parsed.reason : checked && !checked.ok ? checked.reason : undefined)
    if (why !== undefined || !parsed.ok || !checked?.ok || item === undefined) {
      rejected.push({ change, reason: why ?? 'invalid label' })
      await remove()
      continue
    }
    await trx
      .insertInto('annotations')
      .values({
        project_id: change.project,
        item_id: item.id,
        annotator_id: change.annotator,
        value: encodeLabelValue(checked.value),
        unsure: parsed.entry.unsure ? 1 : 0,
        note: parsed.entry.note ?? '',
        updated_at: Number.isFinite(parsed.entry.at) ? parsed.entry.at : now,
      })
      .onConflict((oc) =>
        oc.columns(['item_id', 'annotator_id']).doUpdateSet((eb) => ({
          value: eb.ref('excluded.value'),
          unsure: eb.ref('excluded.unsure'),
          note: eb.ref('excluded.note'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute()
    // A labelled slot is no longer a reservation: the label itself now counts toward K.
    await trx
      .deleteFrom('assignments')
      .where('item_id', '=', item.id)
      .where('annotator_id', '=', change.annotator)
      .execute()
    touched.add(item.id)
  }
  for (const id of touched) {
    await trx
      .updateTable('items')
      .set((eb) => ({
        label_count: eb
          .selectFrom('annotations')
          .select(eb.fn.countAll<number>().as('n'))
          .where('annotations.item_id', '=', id),
      }))
      .where('id', '=', id)
      .execute()
  }
  return rejected
}
