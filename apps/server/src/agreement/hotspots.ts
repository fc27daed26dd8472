import type { Kysely } from 'kysely'
import type { Database } from '../db/database'
import type { AnnotationStore } from './annotation-store'
import {
  computeHotspotCore,
  userNames,
  votesOf,
  type HotspotsResponse,
  type ProjectInfo,
} from './agreement-service'

/** Hotspots with item texts, external ids and annotator names filled in (see computeHotspotCore). */
export async function hotspots(
  db: Kysely<Database>,
  store: AnnotationStore,
  project: ProjectInfo,
  limit: number,
  now: number,
): Promise<HotspotsResponse> {
  const flagRows = await db
    .selectFrom('item_flags')
    .select(['item_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('project_id', '=', project.id)
    .groupBy('item_id')
    .execute()
  const flags = new Map<number, number>()
  let hash = 0
  for (const r of flagRows) {
    flags.set(r.item_id, Number(r.n))
    hash = (hash * 31 + r.item_id * 7 + Number(r.n)) % 1_000_000_007
  }
  const core = computeHotspotCore(store, project, flags, `${flagRows.length}:${hash}`, limit)
  const ids = new Set<number>(core.items.map((i) => i.itemId))
  for (const p of core.labelPairs) for (const e of p.examples) ids.add(e)
  const rows =
    ids.size === 0
      ? []
      : await db
          .selectFrom('items')
          .select(['id', 'external_id', 'text'])
          .where('project_id', '=', project.id)
          .where('id', 'in', [...ids])
          .execute()
  const byId = new Map(rows.map((r) => [r.id, r]))
  const names = await userNames(
    db,
    core.annotators.map((a) => a.id),
  )
  return {
    computedAt: now,
    items: core.items.map((i) => ({
      itemId: String(i.itemId),
      externalId: byId.get(i.itemId)?.external_id ?? '',
      text: byId.get(i.itemId)?.text ?? null,
      score: i.score,
      reasons: i.reasons,
      votes: votesOf(store, i.itemId),
    })),
    labelPairs: core.labelPairs.map((p) => ({
      a: p.a,
      b: p.b,
      count: p.count,
      coincidences: p.coincidences,
      examples: p.examples.map((id) => ({
        itemId: String(id),
        externalId: byId.get(id)?.external_id ?? '',
      })),
    })),
    annotators: core.annotators.map((a) => ({
      id: a.id,
      name: names.get(a.id) ?? a.id,
      departure: a.departure,
      items: a.items,
      confusion: { labels: a.labels, matrix: a.matrix },
    })),
  }
}
