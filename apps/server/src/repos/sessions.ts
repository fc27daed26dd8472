import type { Kysely } from 'kysely'
import type { Database } from '../db/database'

export interface SessionRow {
  readonly tokenHash: string
  readonly userId: string
  readonly createdAt: number
  readonly expiresAt: number
}

export async function insertSession(db: Kysely<Database>, session: SessionRow): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      token_hash: session.tokenHash,
      user_id: session.userId,
      created_at: session.createdAt,
      expires_at: session.expiresAt,
    })
    .execute()
}

/**
 * The user of an unexpired session, or undefined. A disabled user's sessions are deleted when
 * the account is disabled; the check here also covers a session made in between.
 */
export async function findSessionUser(db: Kysely<Database>, tokenHash: string, now: number) {
  return db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['users.id', 'users.username', 'users.display_name', 'users.is_admin'])
    .where('sessions.token_hash', '=', tokenHash)
    .where('sessions.expires_at', '>', now)
    .where('users.disabled_at', 'is', null)
    .executeTakeFirst()
}

/** Ends every session of a user, but the one of `keepTokenHash`; returns how many ended. */
export async function deleteUserSessions(
  db: Kysely<Database>,
  userId: string,
  keepTokenHash?: string,
): Promise<number> {
  let query = db.deleteFrom('sessions').where('user_id', '=', userId)
  if (keepTokenHash !== undefined) query = query.where('token_hash', '!=', keepTokenHash)
  const result = await query.executeTakeFirst()
  return Number(result.numDeletedRows)
}

export async function deleteSession(db: Kysely<Database>, tokenHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute()
}

/** Drops a user's expired sessions (run at login, so the table does not grow without bound). */
export async function deleteExpiredSessions(
  db: Kysely<Database>,
  userId: string,
  now: number,
): Promise<void> {
  await db
    .deleteFrom('sessions')
    .where('user_id', '=', userId)
    .where('expires_at', '<=', now)
    .execute()
}
