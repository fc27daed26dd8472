import { asItemId, type ItemId, type ItemRow, type ProjectId, type UserId } from '@concord/core'
import { sql, type ExpressionBuilder, type Kysely, type Selectable, type SqlBool } from 'kysely'
import type { Database, ItemsTable } from '../db/database'
import { floatsToBlob } from '../models/model-repo'

/**
 * An item as the API serves it. `id` is the database id as a string: the key of the item in
 * every labels document (`labels/<project>/<annotator>` maps item id -> entry).
 */
export interface Item {
  readonly id: ItemId
  readonly externalId: string
  readonly text: string | null
  readonly mediaUrl: string | null
  readonly metadata: Record<string, unknown>
  /** Distinct annotators with a valid label. */
  readonly labelCount: number
  readonly createdAt: number
}

/** Rows per multi-row insert: 500 rows x 7 columns stays far below SQLite's variable limit. */
export const INSERT_BATCH = 500

/** An items row as selected. */
export type ItemRecord = Selectable<ItemsTable>

export function toItem(row: ItemRecord): Item {
  return {
    id: asItemId(String(row.id)),
    externalId: row.external_id,
    text: row.text,
    mediaUrl: row.media_url,
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    labelCount: row.label_count,
    createdAt: row.created_at,
  }
}

/** The database id of an item id from a URL or a document key, or undefined if it cannot be one. */
export function itemKey(id: string): number | undefined {
  return /^[1-9][0-9]{0,15}$/.test(id) && Number.isSafeInteger(Number(id)) ? Number(id) : undefined
}

export async function getItem(
  db: Kysely<Database>,
  projectId: ProjectId,
  id: ItemId,
): Promise<Item | undefined> {
  const key = itemKey(id)
  if (key === undefined) return undefined
  const row = await db
    .selectFrom('items')
    .selectAll()
    .where('id', '=', key)
    .where('project_id', '=', projectId)
    .executeTakeFirst()
  return row && toItem(row)
}

export interface ItemQuery {
  readonly limit: number
  /** Items after this id (the `nextCursor` of the previous page). */
  readonly after?: number
  /** Substring of the external id or the text (case-insensitive for ASCII). */
  readonly q?: string
  /**
   * With `annotator`: whether that annotator labelled the item (default yes). Without: whether
   * anyone did.
   */
  readonly labelled?: 'yes' | 'no'
  readonly annotator?: UserId
}

/** One page of a project's items in id order (keyset paging). */
export async function listItems(
  db: Kysely<Database>,
  projectId: ProjectId,
  query: ItemQuery,
): Promise<{ items: Item[]; nextCursor: string | null }> {
  let select = db.selectFrom('items').selectAll().where('project_id', '=', projectId)
  if (query.after !== undefined) select = select.where('id', '>', query.after)
  if (query.q !== undefined && query.q !== '') {
    const pattern = `%${query.q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`
    select = select.where(
      sql<SqlBool>`(items.external_id like ${pattern} escape '\\' or items.text like ${pattern} escape '\\')`,
    )
  }
  if (query.annotator !== undefined) {
    const annotator = query.annotator
    const labelled = (eb: ExpressionBuilder<Database, 'items'>) =>
      eb.exists(
        eb
          .selectFrom('annotations')
          .select('annotations.item_id')
          .whereRef('annotations.item_id', '=', 'items.id')
          .where('annotations.annotator_id', '=', annotator),
      )
    select =
      query.labelled === 'no'
        ? select.where((eb) => eb.not(labelled(eb)))
        : select.where((eb) => labelled(eb))
  } else if (query.labelled === 'yes') {
    select = select.where('label_count', '>', 0)
  } else if (query.labelled === 'no') {
    select = select.where('label_count', '=', 0)
  }
  const rows = await select
    .orderBy('id')
    .limit(query.limit + 1)
    .execute()
  const page = rows.slice(0, query.limit)
  const last = page.at(-1)
  return {
    items: page.map(toItem),
    nextCursor: rows.length > query.limit && last ? String(last.id) : null,
  }
}

/** Of `externalIds`, those a project already has. */
export async function existingExternalIds(
  db: Kysely<Database>,
  projectId: ProjectId,
  externalIds: readonly string[],
): Promise<Set<string>> {
  return new Set((await itemIdsByExternalId(db, projectId, externalIds)).keys())
}

/** external id -> database id, for the given external ids that exist in the project. */
export async function itemIdsByExternalId(
  db: Kysely<Database>,
  projectId: ProjectId,
  externalIds: readonly string[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>()
  for (let i = 0; i < externalIds.length; i += INSERT_BATCH) {
    const rows = await db
      .selectFrom('items')
      .select(['id', 'external_id'])
      .where('project_id', '=', projectId)
      .where('external_id', 'in', externalIds.slice(i, i + INSERT_BATCH))
      .execute()
    for (const r of rows) out.set(r.external_id, r.id)
  }
  return out
}

export async function countItems(db: Kysely<Database>, projectId: ProjectId): Promise<number> {
  const row = await db
    .selectFrom('items')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('project_id', '=', projectId)
    .executeTakeFirst()
  return Number(row?.n ?? 0)
}

/** Every item id of the project, ascending. */
export async function itemIdsOf(db: Kysely<Database>, projectId: ProjectId): Promise<number[]> {
  const rows = await db
    .selectFrom('items')
    .select('id')
    .where('project_id', '=', projectId)
    .orderBy('id')
    .execute()
  return rows.map((r) => r.id)
}

/** Inserts rows in multi-row batches; run it inside a transaction for all-or-nothing. */
export async function insertItems(
  db: Kysely<Database>,
  projectId: ProjectId,
  rows: readonly ItemRow[],
  now: number,
): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_BATCH) {
    const batch = rows.slice(i, i + INSERT_BATCH)
    const inserted = await db
      .insertInto('items')
      .values(
        batch.map((r) => {
          // An imported embedding is kept as a vector of its own, not as metadata.
          const { embedding: _embedding, ...metadata } = r.metadata
          return {
            project_id: projectId,
            external_id: r.externalId,
            text: r.text ?? null,
            media_url: r.mediaUrl ?? null,
            metadata: JSON.stringify(metadata),
            created_at: now,
          }
        }),
      )
      .returning('id')
      .execute()
    const vectors = batch.flatMap((r, j) =>
      Array.isArray(r.metadata.embedding)
        ? [
            {
              item_id: inserted[j]!.id,
              project_id: projectId,
              source: 'imported' as const,
              vector: floatsToBlob(Float32Array.from(r.metadata.embedding as number[])),
            },
          ]
        : [],
    )
    if (vectors.length > 0) await db.insertInto('embeddings').values(vectors).execute()
  }
}
