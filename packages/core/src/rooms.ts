import { isId, type ProjectId, type UserId } from './ids'
import { labelVisibility } from './label-visibility'

/**
 * One Yjs document per room (DESIGN.md, "Yjs documents"):
 *   booklet/<project>               the guidelines
 *   labels/<project>/<annotator>    one annotator's labels
 *   review/<project>                comment threads, adjudications, review-session state
 */
export type Room =
  | { readonly kind: 'booklet'; readonly project: ProjectId }
  | { readonly kind: 'labels'; readonly project: ProjectId; readonly annotator: UserId }
  | { readonly kind: 'review'; readonly project: ProjectId }

export function parseRoom(name: string): Room | undefined {
  const parts = name.split('/')
  const [kind, project, annotator] = parts
  if (project === undefined || !isId(project)) return undefined
  if ((kind === 'booklet' || kind === 'review') && parts.length === 2) {
    return { kind, project: project as ProjectId }
  }
  if (kind === 'labels' && parts.length === 3 && annotator !== undefined && isId(annotator)) {
    return { kind, project: project as ProjectId, annotator: annotator as UserId }
  }
  return undefined
}

export function roomName(room: Room): string {
  return room.kind === 'labels'
    ? `labels/${room.project}/${room.annotator}`
    : `${room.kind}/${room.project}`
}

export type ProjectRole = 'admin' | 'reviewer' | 'annotator'
export type Access = 'none' | 'read' | 'write'

export interface AccessContext {
  readonly user: UserId
  /** The user's role in the room's project, or undefined for a non-member. */
  readonly role: ProjectRole | undefined
  readonly project: { readonly blind: boolean; readonly annotatorsEditBooklet: boolean }
}

/**
 * Who may read and write each room. Blind mode (`labelVisibility`) keeps annotators' judgements
 * independent: an annotator of a blind project never reads another annotator's labels, nor the
 * review room where they are discussed (its adjudications, decisions, comment threads and live
 * session). The booklet holds only what reviewers chose to publish as guidelines.
 */
export function roomAccess(room: Room, ctx: AccessContext): Access {
  const { role } = ctx
  if (role === undefined) return 'none'
  const reviewer = role === 'admin' || role === 'reviewer'
  const seesOthers = labelVisibility(role, ctx.project) === 'all'
  switch (room.kind) {
    case 'booklet':
      return reviewer || ctx.project.annotatorsEditBooklet ? 'write' : 'read'
    case 'labels':
      if (room.annotator === ctx.user) return 'write'
      if (reviewer) return 'read'
      return seesOthers ? 'read' : 'none'
    case 'review':
      if (reviewer) return 'write'
      return seesOthers ? 'read' : 'none'
  }
}
