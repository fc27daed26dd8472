import type { Kysely } from 'kysely'
import type { Database } from '../db/database'

export interface ItemFlag {
  itemId: string
  externalId: string
  text: string | null
  userId: string
  userName: string
  note: string
  createdAt: number
}

/** One flag per (item, user): flagging again updates the note. */
export async function setFlag(
  db: Kysely<Database>,
  flag: { projectId: string; itemId: number; userId: string; note: string },
  now: number,
): Promise<void> {
  await db
    .insertInto('item_flags')
    .values({
      project_id: flag.projectId,
      item_id: flag.itemId,
      user_id: flag.userId,
      note: flag.note,
      created_at: now,
    })
    .onConflict((oc) => oc.columns(['item_id', 'user_id']).doUpdateSet({ note: flag.note }))
    .execute()
}

export async function removeFlag(
  db: Kysely<Database>,
  itemId: number,
  userId: string,
): Promise<boolean> {
  const res = await db
    .deleteFrom('item_flags')
    .where('item_id', '=', itemId)
    .where('user_id', '=', userId)
    .executeTakeFirst()
  return Number(res.numDeletedRows) > 0
}

export async function listFlags(
  db: Kysely<Database>,
  projectId: string,
  limit = 500,
): Promise<ItemFlag[]> {
  const rows = await db
    .selectFrom('item_flags as f')
    .innerJoin('items as i', 'i.id', 'f.item_id')
    .innerJoin('users as u', 'u.id', 'f.user_id')
    .select([
      'f.item_id',
      'i.external_id',
      'i.text',
      'f.user_id',
      'u.display_name',
      'f.note',
      'f.created_at',
    ])
    .where('f.project_id', '=', projectId)
    .orderBy('f.created_at', 'desc')
    .limit(limit)
    .execute()
  return rows.map((r) => ({
    itemId: String(r.item_id),
    externalId: r.external_id,
    text: r.text,
    userId: r.user_id,
    userName: r.display_name,
    note: r.note,
    createdAt: r.created_at,
  }))
}
