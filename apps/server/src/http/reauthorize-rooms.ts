import type { ServerContext } from '../context'
import { listMembers } from '../repos/members'
import type { Project } from '../repos/projects'

/**
 * Room access is decided when a socket opens (authorizeRoom). A change that can take access away
 * disconnects the people concerned: their clients reconnect at once and are authorized afresh,
 * so an annotator does not keep reading another annotator's labels, or the review, through a
 * room opened before blind mode was turned on.
 */
export async function reauthorizeAfterProjectChange(
  ctx: ServerContext,
  before: Project,
  after: Project,
): Promise<void> {
  const narrower =
    (!before.blind && after.blind) || (before.annotatorsEditBooklet && !after.annotatorsEditBooklet)
  if (!narrower || !ctx.connections) return
  // Only annotators' access depends on these settings.
  for (const m of await listMembers(ctx.db, after.id)) {
    if (m.role === 'annotator') ctx.connections.closeUser(m.userId)
  }
}

/** A member's role changed or was removed: their rooms are authorized afresh. */
export function reauthorizeMember(ctx: ServerContext, userId: string): void {
  ctx.connections?.closeUser(userId)
}
