import {
  ConcordError,
  isId,
  labelVisibility,
  type LabelVisibility,
  type ProjectRole,
} from '@concord/core'
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

/**
 * Loads a project whose members' labels the user may read, or what is computed from them
 * (consensus, the review): reviewers and admins, and every member once blind mode is off
 * (`labelVisibility` in @concord/core). An annotator of a blind project gets 403 with one message
 * that says why and names nothing of the labels.
 */
export async function requireLabelReader(
  ctx: ServerContext,
  user: AuthUser,
  projectId: string,
): Promise<{ project: Project; role: ProjectRole }> {
  const access = await requireProject(ctx, user, projectId, 'annotator')
  if (visibilityOf(access) === 'own') {
    throw new ConcordError(
      'forbidden',
      `project '${access.project.id}' is blind: annotators see only their own labels, not other people's labels or what is computed from them, until blind mode is turned off`,
    )
  }
  return access
}

/** What the member sees of other people's labels in this project. */
export function visibilityOf(access: { project: Project; role: ProjectRole }): LabelVisibility {
  return labelVisibility(access.role, access.project)
}
