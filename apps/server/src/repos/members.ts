import { asUserId, type ProjectId, type ProjectRole, type UserId } from '@concord/core'
import type { Kysely } from 'kysely'
import type { Database } from '../db/database'
import { resolveUsers } from './users'

export interface Member {
  readonly userId: UserId
  readonly username: string
  readonly displayName: string
  readonly role: ProjectRole
  readonly createdAt: number
}

export async function listMembers(db: Kysely<Database>, projectId: ProjectId): Promise<Member[]> {
  const rows = await db
    .selectFrom('members')
    .innerJoin('users', 'users.id', 'members.user_id')
    .select([
      'users.id',
      'users.username',
      'users.display_name',
      'members.role',
      'members.created_at',
    ])
    .where('members.project_id', '=', projectId)
    .orderBy('users.username')
    .execute()
  return rows.map((r) => ({
    userId: asUserId(r.id),
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    createdAt: r.created_at,
  }))
}

export async function getMember(
  db: Kysely<Database>,
  projectId: ProjectId,
  userId: UserId,
): Promise<Member | undefined> {
  const r = await db
    .selectFrom('members')
    .innerJoin('users', 'users.id', 'members.user_id')
    .select([
      'users.id',
      'users.username',
      'users.display_name',
      'members.role',
      'members.created_at',
    ])
    .where('members.project_id', '=', projectId)
    .where('members.user_id', '=', userId)
    .executeTakeFirst()
  return (
    r && {
      userId: asUserId(r.id),
      username: r.username,
      displayName: r.display_name,
      role: r.role,
      createdAt: r.created_at,
    }
  )
}

/** The role of a members row, ignoring global admin rights (see `projectRole` for those). */
export async function memberRole(
  db: Kysely<Database>,
  projectId: string,
  userId: string,
): Promise<ProjectRole | undefined> {
  const row = await db
    .selectFrom('members')
    .select('role')
    .where('project_id', '=', projectId)
    .where('user_id', '=', userId)
    .executeTakeFirst()
  return row?.role
}

/** Adds a member or changes their role. */
export async function setMember(
  db: Kysely<Database>,
  projectId: ProjectId,
  userId: UserId,
  role: ProjectRole,
  now: number,
): Promise<void> {
  await db
    .insertInto('members')
    .values({ project_id: projectId, user_id: userId, role, created_at: now })
    .onConflict((oc) => oc.columns(['project_id', 'user_id']).doUpdateSet({ role }))
    .execute()
}

/** Adds each user as a member with `role` unless they already are a member (any role). */
export async function addMissingMembers(
  db: Kysely<Database>,
  projectId: ProjectId,
  userIds: readonly UserId[],
  role: ProjectRole,
  now: number,
): Promise<number> {
  let added = 0
  for (let i = 0; i < userIds.length; i += 500) {
    const chunk = userIds.slice(i, i + 500)
    const result = await db
      .insertInto('members')
      .values(chunk.map((u) => ({ project_id: projectId, user_id: u, role, created_at: now })))
      .onConflict((oc) => oc.columns(['project_id', 'user_id']).doNothing())
      .executeTakeFirst()
    added += Number(result.numInsertedOrUpdatedRows ?? 0n)
  }
  return added
}

/** Removes a member; false when they were not one. */
export async function removeMember(
  db: Kysely<Database>,
  projectId: ProjectId,
  userId: UserId,
): Promise<boolean> {
  const result = await db
    .deleteFrom('members')
    .where('project_id', '=', projectId)
    .where('user_id', '=', userId)
    .executeTakeFirst()
  return result.numDeletedRows > 0n
}

/**
 * The members of a project among `refs` (user ids or usernames), keyed by the ref as given.
 * A ref that names no member is absent, whether or not such a user exists elsewhere.
 */
export function resolveMembers(
  db: Kysely<Database>,
  projectId: ProjectId,
  refs: readonly string[],
): Promise<Map<string, UserId>> {
  return resolveUsers(db, refs, projectId)
}
