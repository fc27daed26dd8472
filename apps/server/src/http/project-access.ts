import { ConcordError, isId, type ProjectRole } from '@concord/core'
import { hasRole, projectRole } from '../auth/project-role'
import type { AuthUser } from '../auth/sessions'
import type { ServerContext } from '../context'
import { getProject, type Project } from '../repos/projects'

/**
 * Loads a project the user may act on with at least `minimum`. A project the user is not a
 * member of answers exactly like one that does not exist (404), so ids reveal nothing; a member
 * without the role gets 403.
 */
export async function requireProject(
  ctx: ServerContext,
  user: AuthUser,
  projectId: string,
  minimum: ProjectRole,
): Promise<{ project: Project; role: ProjectRole }> {
  const role = isId(projectId) ? await projectRole(ctx.db, projectId, user) : undefined
  const project = role === undefined ? undefined : await getProject(ctx.db, projectId)
  if (role === undefined || project === undefined) {
    throw new ConcordError('not_found', `no project '${projectId.slice(0, 64)}'`)
  }
  if (!hasRole(role, minimum)) {
    throw new ConcordError(
      'forbidden',
      `this needs the role ${minimum} in project '${project.id}'; you are ${role}`,
    )
  }
  return { project, role }
}
