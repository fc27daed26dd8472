import {
  createReviewSession,
  listReviewSessions,
  setReviewAgenda,
  type ReviewSession,
} from '@concord/core'
import type * as Y from 'yjs'

export function today(): string {
  const d = new Date()
  const pad = (n: number): string => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

/**
 * The draft a reviewer would add to next: the earliest-dated draft from today on, else the
 * latest-dated one (a draft dated in the past has simply not been held yet).
 */
export function nextDraft(
  sessions: readonly ReviewSession[],
  now: string,
): ReviewSession | undefined {
  const drafts = sessions
    .filter((s) => s.status === 'draft')
    .sort((a, b) => a.date.localeCompare(b.date) || a.createdAt - b.createdAt)
  return drafts.find((s) => s.date >= now) ?? drafts.at(-1)
}

/**
 * Appends items to the next draft review session's agenda in the `review/<project>` document,
 * the way the review view edits it; without a draft, creates one named "Likely mislabeled"
 * (as the review view would, with me leading). Returns the session and how many were new.
 */
export function addToNextDraft(
  doc: Y.Doc,
  itemIds: readonly string[],
  me: string,
): { session: string; title: string; added: number; created: boolean } {
  const draft = nextDraft(listReviewSessions(doc), today())
  if (draft) {
    const before = new Set(draft.agenda)
    const added = itemIds.filter((id) => !before.has(id))
    setReviewAgenda(doc, draft.id, [...draft.agenda, ...added])
    return { session: draft.id, title: draft.title, added: new Set(added).size, created: false }
  }
  const id = `s${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`
  const title = 'Likely mislabeled'
  createReviewSession(doc, id, { title, date: today(), leader: me, agenda: itemIds }, Date.now())
  return { session: id, title, added: new Set(itemIds).size, created: true }
}
