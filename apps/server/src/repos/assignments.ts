import type { ProjectId, UserId } from '@concord/core'
import { sql, type ExpressionBuilder, type Kysely } from 'kysely'
import type { Database } from '../db/database'
import { INSERT_BATCH, type ItemRecord } from './items'

/** The annotator gave this item a label (an annotations row, kept by the sync projection). */
function labelledBy(eb: ExpressionBuilder<Database, 'items'>, annotator: UserId) {
  return eb.exists(
    eb
      .selectFrom('annotations')
      .select('annotations.item_id')
      .whereRef('annotations.item_id', '=', 'items.id')
      .where('annotations.annotator_id', '=', annotator),
  )
}

/** The annotator holds a reservation on this item (expired or not). */
function reservedBy(eb: ExpressionBuilder<Database, 'items'>, annotator: UserId) {
  return eb.exists(
    eb
      .selectFrom('assignments')
      .select('assignments.item_id')
      .whereRef('assignments.item_id', '=', 'items.id')
      .where('assignments.annotator_id', '=', annotator),
  )
}

/** Unexpired reservations of this item, as an SQL expression. */
function liveReservations(eb: ExpressionBuilder<Database, 'items'>, now: number) {
  return eb
    .selectFrom('assignments')
    .select((e) => e.fn.countAll().as('n'))
    .whereRef('assignments.item_id', '=', 'items.id')
    .where('assignments.expires_at', '>', now)
}

/** Frees the slots whose reservation has run out. */
export async function deleteExpiredAssignments(
  db: Kysely<Database>,
  projectId: ProjectId,
  now: number,
): Promise<number> {
  const result = await db
    .deleteFrom('assignments')
    .where('project_id', '=', projectId)
    .where('expires_at', '<=', now)
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}

/** Items reserved for the annotator, unexpired and not yet labelled by them, in id order. */
export async function reservedItems(
  db: Kysely<Database>,
  projectId: ProjectId,
  annotator: UserId,
  now: number,
  limit: number,
): Promise<ItemRecord[]> {
  return db
    .selectFrom('items')
    .innerJoin('assignments', 'assignments.item_id', 'items.id')
    .selectAll('items')
    .where('assignments.project_id', '=', projectId)
    .where('assignments.annotator_id', '=', annotator)
    .where('assignments.expires_at', '>', now)
    .where((eb) => eb.not(labelledBy(eb, annotator)))
    .orderBy('items.id')
    .limit(limit)
    .execute()
}

/**
 * Items that have exactly `labelCount` labels and still have a free slot: fewer than
 * `overlap - labelCount` unexpired reservations, none of them the annotator's, and no label from
 * the annotator. In id order, scanned through the items_queue index (project_id, label_count, id).
 */
export async function itemsWithFreeSlots(
  db: Kysely<Database>,
  projectId: ProjectId,
  annotator: UserId,
  labelCount: number,
  overlap: number,
  now: number,
  limit: number,
): Promise<ItemRecord[]> {
  const freeSlots = overlap - labelCount
  return db
    .selectFrom('items')
    .selectAll()
    .where('items.project_id', '=', projectId)
    .where('items.label_count', '=', labelCount)
    .where((eb) => eb.not(labelledBy(eb, annotator)))
    .where((eb) => sql<boolean>`(${liveReservations(eb, now)}) < ${freeSlots}`)
    .where((eb) => eb.not(reservedBy(eb, annotator)))
    .orderBy('items.id')
    .limit(limit)
    .execute()
}

/** Reserves a slot on each item for the annotator until `expiresAt`. */
export async function reserveItems(
  db: Kysely<Database>,
  projectId: ProjectId,
  annotator: UserId,
  itemIds: readonly number[],
  now: number,
  expiresAt: number,
): Promise<void> {
  for (let i = 0; i < itemIds.length; i += INSERT_BATCH) {
    await db
      .insertInto('assignments')
      .values(
        itemIds.slice(i, i + INSERT_BATCH).map((item_id) => ({
          project_id: projectId,
          item_id,
          annotator_id: annotator,
          assigned_at: now,
          expires_at: expiresAt,
        })),
      )
      // An expired row of the same annotator may still be there if cleanup missed it.
      .onConflict((oc) =>
        oc
          .columns(['item_id', 'annotator_id'])
          .doUpdateSet({ assigned_at: now, expires_at: expiresAt }),
      )
      .execute()
  }
}

/**
 * Like itemsWithFreeSlots over every label count below K, in the order of the project's
 * `queue_priority` (highest score first; items without a score after, in id order). Used when
 * the project picked an active-learning queue order. The slot rule is the same: fewer
 * reservations than free slots (K - labels), none of them the annotator's, no label of theirs.
 */
export async function prioritizedItemsWithFreeSlots(
  db: Kysely<Database>,
  projectId: ProjectId,
  annotator: UserId,
  overlap: number,
  now: number,
  limit: number,
): Promise<ItemRecord[]> {
  return db
    .selectFrom('items')
    .leftJoin('queue_priority', 'queue_priority.item_id', 'items.id')
    .selectAll('items')
    .where('items.project_id', '=', projectId)
    .where('items.label_count', '<', overlap)
    .where((eb) => eb.not(labelledBy(eb, annotator)))
    .where((eb) => sql<boolean>`(${liveReservations(eb, now)}) < ${overlap} - items.label_count`)
    .where((eb) => eb.not(reservedBy(eb, annotator)))
    .orderBy(sql`queue_priority.score is null`)
    .orderBy('queue_priority.score', 'desc')
    .orderBy('items.id')
    .limit(limit)
    .execute()
}
