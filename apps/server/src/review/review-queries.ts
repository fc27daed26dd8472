import { bookletLabels } from '@concord/core'
import { sql, type Kysely } from 'kysely'
import * as Y from 'yjs'
import type { Database } from '../db/database'

/** Label values are stored as the id, or ids joined by '|' (multi-label). */
export function decodeLabelValue(value: string): string | string[] {
  return value.includes('|') ? value.split('|') : value
}

function labelIds(value: string): string[] {
  return value.split('|').filter((s) => s !== '')
}

/** One annotator's label on an item, with who gave it. */
export interface ItemAnnotation {
  readonly annotatorId: string
  readonly annotatorName: string
  readonly value: string | string[]
  readonly unsure: boolean
  readonly note: string
  readonly updatedAt: number
  readonly bookletVersion: number | null
}

export interface ItemAdjudication {
  readonly label: string | string[]
  readonly rationale: string
  readonly decidedBy: string
  readonly decidedAt: number
  readonly sessionId: string | null
}

export async function itemAnnotations(
  db: Kysely<Database>,
  projectId: string,
  itemId: number,
): Promise<{ annotations: ItemAnnotation[]; adjudication: ItemAdjudication | null }> {
  const rows = await db
    .selectFrom('annotations as a')
    .innerJoin('users as u', 'u.id', 'a.annotator_id')
    .select([
      'a.annotator_id',
      'u.display_name',
      'a.value',
      'a.unsure',
      'a.note',
      'a.updated_at',
      'a.booklet_version',
    ])
    .where('a.project_id', '=', projectId)
    .where('a.item_id', '=', itemId)
    .orderBy('u.display_name')
    .execute()
  const adj = await db
    .selectFrom('adjudications')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('item_id', '=', itemId)
    .executeTakeFirst()
  return {
    annotations: rows.map((r) => ({
      annotatorId: r.annotator_id,
      annotatorName: r.display_name,
      value: decodeLabelValue(r.value),
      unsure: r.unsure === 1,
      note: r.note,
      updatedAt: r.updated_at,
      bookletVersion: r.booklet_version,
    })),
    adjudication: adj
      ? {
          label: decodeLabelValue(adj.label),
          rationale: adj.rationale,
          decidedBy: adj.decided_by,
          decidedAt: adj.decided_at,
          sessionId: adj.session_id,
        }
      : null,
  }
}

/** An item worth discussing: annotators disagree on it, or someone flagged it. */
export interface AgendaCandidate {
  readonly itemId: string
  readonly externalId: string
  readonly text: string | null
  readonly distinctLabels: number
  readonly labelCount: number
  readonly flagged: boolean
  readonly adjudicated: boolean
}

/**
 * Agenda candidates for a review session, the fallback while no hotspot ranking is served: the
 * `limit` items with the most distinct labels (at least two), then every flagged item.
 */
export async function agendaCandidates(
  db: Kysely<Database>,
  projectId: string,
  limit: number,
): Promise<AgendaCandidate[]> {
  const disagreed = await db
    .selectFrom('annotations as a')
    .innerJoin('items as i', 'i.id', 'a.item_id')
    .select([
      'a.item_id',
      'i.external_id',
      'i.text',
      sql<number>`count(distinct a.value)`.as('distinct_labels'),
      sql<number>`count(*)`.as('label_count'),
    ])
    .where('a.project_id', '=', projectId)
    .groupBy(['a.item_id', 'i.external_id', 'i.text'])
    .having(sql<number>`count(distinct a.value)`, '>', 1)
    .orderBy('distinct_labels', 'desc')
    .orderBy('label_count', 'desc')
    .orderBy('a.item_id')
    .limit(limit)
    .execute()
  const flagged = await db
    .selectFrom('item_flags as f')
    .innerJoin('items as i', 'i.id', 'f.item_id')
    .select(['f.item_id', 'i.external_id', 'i.text', 'i.label_count'])
    .where('f.project_id', '=', projectId)
    .groupBy(['f.item_id', 'i.external_id', 'i.text', 'i.label_count'])
    .orderBy('f.item_id')
    .limit(500)
    .execute()
  const adjudicated = new Set(
    (
      await db
        .selectFrom('adjudications')
        .select('item_id')
        .where('project_id', '=', projectId)
        .execute()
    ).map((r) => r.item_id),
  )
  const flaggedIds = new Set(flagged.map((f) => f.item_id))
  const out: AgendaCandidate[] = disagreed.map((r) => ({
    itemId: String(r.item_id),
    externalId: r.external_id,
    text: r.text,
    distinctLabels: Number(r.distinct_labels),
    labelCount: Number(r.label_count),
    flagged: flaggedIds.has(r.item_id),
    adjudicated: adjudicated.has(r.item_id),
  }))
  const seen = new Set(out.map((c) => c.itemId))
  for (const f of flagged) {
    if (seen.has(String(f.item_id))) continue
    out.push({
      itemId: String(f.item_id),
      externalId: f.external_id,
      text: f.text,
      distinctLabels: 0,
      labelCount: f.label_count,
      flagged: true,
      adjudicated: adjudicated.has(f.item_id),
    })
  }
  return out
}

/** Each label's current definition version in a booklet document (1 when unset). */
export function labelVersions(doc: Y.Doc): Map<string, number> {
  const out = new Map<string, number>()
  bookletLabels(doc).forEach((value, id) => {
    if (!(value instanceof Y.Map)) return
    const v = (value as Y.Map<unknown>).get('version')
    out.set(id, typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : 1)
  })
  return out
}

/** A label made under an older version of its definition than the booklet's current one. */
export interface RecheckEntry {
  readonly itemId: string
  readonly externalId: string
  readonly annotatorId: string
  readonly annotatorName: string
  readonly value: string | string[]
  /** The label whose definition changed (for multi-label, the first chosen one that did). */
  readonly label: string
  readonly madeUnder: number
  readonly currentVersion: number
  readonly updatedAt: number
}

/**
 * Annotations whose recorded booklet version is below the current version of a label they chose.
 * Annotations that recorded no version (older clients) cannot be judged and are not listed.
 */
export async function recheckList(
  db: Kysely<Database>,
  projectId: string,
  versions: ReadonlyMap<string, number>,
): Promise<RecheckEntry[]> {
  const changed = [...versions.entries()].filter(([, v]) => v > 1)
  if (changed.length === 0) return []
  const minChanged = Math.max(...changed.map(([, v]) => v))
  const rows = await db
    .selectFrom('annotations as a')
    .innerJoin('items as i', 'i.id', 'a.item_id')
    .innerJoin('users as u', 'u.id', 'a.annotator_id')
    .select([
      'a.item_id',
      'i.external_id',
      'a.annotator_id',
      'u.display_name',
      'a.value',
      'a.booklet_version',
      'a.updated_at',
    ])
    .where('a.project_id', '=', projectId)
    .where('a.booklet_version', 'is not', null)
    .where('a.booklet_version', '<', minChanged)
    .orderBy('a.item_id')
    .orderBy('u.display_name')
    .execute()
  const out: RecheckEntry[] = []
  for (const r of rows) {
    const madeUnder = r.booklet_version ?? 0
    const stale = labelIds(r.value).find((l) => (versions.get(l) ?? 1) > madeUnder)
    if (stale === undefined) continue
    out.push({
      itemId: String(r.item_id),
      externalId: r.external_id,
      annotatorId: r.annotator_id,
      annotatorName: r.display_name,
      value: decodeLabelValue(r.value),
      label: stale,
      madeUnder,
      currentVersion: versions.get(stale) ?? 1,
      updatedAt: r.updated_at,
    })
  }
  return out
}
