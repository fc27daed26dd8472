import { ConcordError, type ProjectId, type UserId } from '@concord/core'
import type { ServerContext } from '../context'
import {
  deleteExpiredAssignments,
  itemsWithFreeSlots,
  prioritizedItemsWithFreeSlots,
  reserveItems,
  reservedItems,
} from '../repos/assignments'
import { toItem, type Item, type ItemRecord } from '../repos/items'
import { getProject } from '../repos/projects'

export const DEFAULT_QUEUE_LIMIT = 10
export const MAX_QUEUE_LIMIT = 100

/**
 * The next items for an annotator to label, reserving a slot on each for
 * `options.assignmentTtlMs`. An item has K slots (the project's overlap): each label
 * (items.label_count) and each unexpired reservation takes one, so an item is never handed to
 * more than K annotators at once. Items the annotator labelled never come back.
 *
 * Order: the annotator's own unexpired reservations first (a reload shows the same work), then
 * items closest to completion (K-1 labels, then K-2, ... 0), each group in id order, so that
 * finished items, which agreement needs, accumulate early. A project that chose an
 * active-learning queue order gets its `queue_priority` order instead.
 *
 * Select and reserve run in one transaction whose first statement is a write (freeing expired
 * slots), so SQLite takes the write lock before reading and concurrent calls are serialised.
 */
export async function nextItems(
  ctx: ServerContext,
  projectId: ProjectId,
  annotator: UserId,
  limit: number,
): Promise<Item[]> {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_QUEUE_LIMIT) {
    throw new ConcordError('bad_request', `limit must be an integer from 1 to ${MAX_QUEUE_LIMIT}`)
  }
  const project = await getProject(ctx.db, projectId)
  if (!project) throw new ConcordError('not_found', `no project '${projectId}'`)
  const overlap = project.overlap
  return ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now()
    await deleteExpiredAssignments(trx, projectId, now)
    const own = await reservedItems(trx, projectId, annotator, now, limit)
    const fresh: ItemRecord[] = []
    const settings = await trx
      .selectFrom('model_settings')
      .select('queue_order')
      .where('project_id', '=', projectId)
      .executeTakeFirst()
    if (settings && settings.queue_order !== 'default') {
      // An active-learning order (see ModelService.refreshQueuePriority) replaces "closest to
      // completion first"; the slot rule is unchanged.
      if (own.length < limit) {
        fresh.push(
          ...(await prioritizedItemsWithFreeSlots(
            trx,
            projectId,
            annotator,
            overlap,
            now,
            limit - own.length,
          )),
        )
      }
    } else {
      for (let labels = overlap - 1; labels >= 0 && own.length + fresh.length < limit; labels--) {
        const need = limit - own.length - fresh.length
        fresh.push(
          ...(await itemsWithFreeSlots(trx, projectId, annotator, labels, overlap, now, need)),
        )
      }
    }
    if (fresh.length > 0) {
      await reserveItems(
        trx,
        projectId,
        annotator,
        fresh.map((r) => r.id),
        now,
        now + ctx.options.assignmentTtlMs,
      )
    }
    return [...own, ...fresh].map(toItem)
  })
}
