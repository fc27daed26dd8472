import type { ProjectRole } from '@concord/core'
import type { Kysely } from 'kysely'
import type { Database } from '../db/database'
import { memberRole } from '../repos/members'
import type { AuthUser } from './sessions'

/**
 * A user's role in a project: a global admin (users.is_admin) is 'admin' on every project;
 * anyone else has the role of their members row, or none. Does not check that the project exists.
 */
export async function projectRole(
  db: Kysely<Database>,
  projectId: string,
  user: AuthUser,
): Promise<ProjectRole | undefined> {
  if (user.isAdmin) return 'admin'
  return memberRole(db, projectId, user.id)
}

const RANK: Record<ProjectRole, number> = { annotator: 0, reviewer: 1, admin: 2 }

/** Whether `role` includes the rights of `minimum` (admin > reviewer > annotator). */
export function hasRole(role: ProjectRole, minimum: ProjectRole): boolean {
  return RANK[role] >= RANK[minimum]
}
