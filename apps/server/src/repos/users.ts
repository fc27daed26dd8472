import { asUserId, ConcordError, passwordProblem, type ProjectId, type UserId } from '@concord/core'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import { hashPassword } from '../auth/passwords'
import { randomId } from '../auth/random-id'
import type { Clock } from '../clock'
import type { Database, UsersTable } from '../db/database'

export interface User {
  readonly id: UserId
  readonly username: string
  readonly displayName: string
  readonly isAdmin: boolean
  readonly createdAt: number
  /** When an administrator disabled the account; null while it may sign in. */
  readonly disabledAt: number | null
}

export { MIN_PASSWORD_LENGTH } from '@concord/core'

/** A password being set: long enough, not blank, not one of the most common (core passwordProblem). */
export const newPasswordSchema = z.string().superRefine((password, ctx) => {
  const problem = passwordProblem(password)
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem })
})

/** A new account, as the API and the CLI accept it. */
export const userCreateSchema = z.strictObject({
  username: z
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/,
      'usernames use letters, digits, _ . @ - (at most 64, starting with a letter or digit)',
    ),
  displayName: z.string().trim().min(1).max(200).optional(),
  password: newPasswordSchema,
  isAdmin: z.boolean().default(false),
})

export type UserCreate = z.input<typeof userCreateSchema>

/** User ids: `u_` and 12 random characters of [a-z0-9]. */
export function newUserId(): UserId {
  return asUserId(randomId('u_', 12))
}

export function toUser(
  row: Pick<UsersTable, 'id' | 'username' | 'display_name' | 'is_admin' | 'created_at'> & {
    readonly disabled_at?: number | null
  },
): User {
  return {
    id: asUserId(row.id),
    username: row.username,
    displayName: row.display_name,
    isAdmin: row.is_admin === 1,
    createdAt: row.created_at,
    disabledAt: row.disabled_at ?? null,
  }
}

const USER_COLUMNS = [
  'id',
  'username',
  'display_name',
  'is_admin',
  'created_at',
  'disabled_at',
] as const

/**
 * Creates an account (validated here too, since the CLI calls it directly). The display name
 * defaults to the username. A taken username is a 409.
 */
export async function createUser(
  db: Kysely<Database>,
  input: UserCreate,
  clock: Clock,
): Promise<User> {
  const valid = userCreateSchema.parse(input)
  const taken = await findUserByUsername(db, valid.username)
  if (taken) throw new ConcordError('conflict', `the username '${valid.username}' is taken`)
  const row = {
    id: newUserId(),
    username: valid.username,
    display_name: valid.displayName ?? valid.username,
    password_hash: await hashPassword(valid.password),
    is_admin: valid.isAdmin ? 1 : 0,
    created_at: clock.now(),
  }
  try {
    await db.insertInto('users').values(row).execute()
  } catch (err) {
    // A concurrent request took the name between the check and the insert.
    if (isUniqueViolation(err)) {
      throw new ConcordError('conflict', `the username '${valid.username}' is taken`)
    }
    throw err
  }
  return toUser(row)
}

export async function listUsers(db: Kysely<Database>): Promise<User[]> {
  const rows = await db.selectFrom('users').select(USER_COLUMNS).orderBy('username').execute()
  return rows.map(toUser)
}

export async function getUser(db: Kysely<Database>, id: string): Promise<User | undefined> {
  const row = await db
    .selectFrom('users')
    .select(USER_COLUMNS)
    .where('id', '=', id)
    .executeTakeFirst()
  return row && toUser(row)
}

/** With the password hash, for login only. */
export async function findUserByUsername(
  db: Kysely<Database>,
  username: string,
): Promise<(User & { readonly passwordHash: string }) | undefined> {
  const row = await db
    .selectFrom('users')
    .select([...USER_COLUMNS, 'password_hash'])
    .where('username', '=', username)
    .executeTakeFirst()
  return row && { ...toUser(row), passwordHash: row.password_hash }
}

/**
 * Replaces a user's password (a change or a reset); false when there is no such user. Sessions
 * are the caller's to revoke (a change keeps the session it was made from).
 */
export async function setUserPassword(
  db: Kysely<Database>,
  id: UserId,
  password: string,
): Promise<boolean> {
  newPasswordSchema.parse(password)
  const result = await db
    .updateTable('users')
    .set({ password_hash: await hashPassword(password) })
    .where('id', '=', id)
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

/**
 * Disables (`at` a time) or enables (`null`) an account; false when there is no such user. A
 * disabled account's sessions are the caller's to revoke, in the same breath.
 */
export async function setUserDisabled(
  db: Kysely<Database>,
  id: UserId,
  at: number | null,
): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ disabled_at: at })
    .where('id', '=', id)
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

/** SQLite and PostgreSQL both say "unique" in their constraint-violation messages. */
export function isUniqueViolation(err: unknown): boolean {
  if (!(err instanceof Error)) return false
  const code = (err as { code?: unknown }).code
  return (
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === '23505' ||
    /unique/i.test(err.message)
  )
}

/**
 * Resolves references to users, each a user id or a username (an id wins when a string is both),
 * to user ids. Unknown references are absent from the map; with `inProject`, so are users who
 * are not members of that project, exactly as if they did not exist.
 */
export async function resolveUsers(
  db: Kysely<Database>,
  refs: readonly string[],
  inProject?: ProjectId,
): Promise<Map<string, UserId>> {
  const out = new Map<string, UserId>()
  for (let i = 0; i < refs.length; i += 500) {
    const chunk = refs.slice(i, i + 500)
    let query = db
      .selectFrom('users')
      .select(['users.id as id', 'users.username as username'])
      .where((eb) => eb.or([eb('users.id', 'in', chunk), eb('users.username', 'in', chunk)]))
    if (inProject !== undefined) {
      query = query.where((eb) =>
        eb.exists(
          eb
            .selectFrom('members')
            .select('members.user_id')
            .whereRef('members.user_id', '=', 'users.id')
            .where('members.project_id', '=', inProject),
        ),
      )
    }
    const rows = await query.execute()
    for (const r of rows) if (!out.has(r.username)) out.set(r.username, asUserId(r.id))
    for (const r of rows) out.set(r.id, asUserId(r.id))
  }
  return out
}
