import * as Y from 'yjs'
import { ConcordError } from './errors'
import { adjudicationsMap, COMMENTS_MAP, SESSIONS_MAP, type AdjudicationEntry } from './review-doc'

/**
 * Review sessions, inside the `review/<project>` document (see review-doc.ts). Reviewers write
 * it; annotators read it once blind mode is off, so everyone in the room follows the same state.
 *
 *   doc.getMap('sessions')          session id -> Y.Map
 *     title: string
 *     date: string                  YYYY-MM-DD
 *     status: 'draft' | 'live' | 'ended'
 *     leader: string                user id of the reviewer who moves the current item
 *     current: number               index into agenda of the item everyone is on
 *     agenda: Y.Array<string>       item ids (database ids, the keys of labels documents);
 *                                   edited only while the session is a draft
 *     attendees: Y.Map<string>      user id -> display name
 *     decisions: Y.Map<object>      item id -> { label, rationale, addToBooklet, by, at }
 *     hideNames: boolean            show labels without who gave them (reviewers switch it)
 *     createdAt: number, startedAt?: number, endedAt?: number
 *   doc.getMap('comments')          item id -> Y.Array of { by, name, text, at }
 *
 * Recording a decision also sets `adjudications[itemId]` (which the server projects into SQL,
 * where an adjudicated label wins over the majority). Everything here is pure Yjs: no I/O.
 * Readers skip what does not fit: a client with write access may write anything.
 */
export type ReviewSessionStatus = 'draft' | 'live' | 'ended'

export interface ReviewDecision {
  readonly label: string | string[]
  readonly rationale: string
  readonly addToBooklet: boolean
  readonly by: string
  readonly at: number
}

export interface ReviewComment {
  readonly by: string
  readonly name: string
  readonly text: string
  readonly at: number
}

export interface ReviewSession {
  readonly id: string
  readonly title: string
  readonly date: string
  readonly status: ReviewSessionStatus
  readonly leader: string
  readonly current: number
  readonly agenda: readonly string[]
  readonly attendees: Readonly<Record<string, string>>
  readonly decisions: Readonly<Record<string, ReviewDecision>>
  readonly hideNames: boolean
  readonly createdAt: number
  readonly startedAt?: number
  readonly endedAt?: number
}

export interface NewReviewSession {
  readonly title: string
  readonly date: string
  readonly leader: string
  readonly agenda: readonly string[]
}

export function reviewSessionsMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>(SESSIONS_MAP)
}

export function reviewCommentsMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>(COMMENTS_MAP)
}

const DATE = /^\d{4}-\d{2}-\d{2}$/

function sessionMap(doc: Y.Doc, id: string): Y.Map<unknown> {
  const map = reviewSessionsMap(doc).get(id)
  if (!(map instanceof Y.Map)) throw new ConcordError('not_found', `no review session '${id}'`)
  return map as Y.Map<unknown>
}

function child<T>(map: Y.Map<unknown>, key: string, make: () => T, is: (v: unknown) => v is T): T {
  const value = map.get(key)
  if (is(value)) return value
  const fresh = make()
  map.set(key, fresh)
  return fresh
}

const isArray = (v: unknown): v is Y.Array<unknown> => v instanceof Y.Array
const isMap = (v: unknown): v is Y.Map<unknown> => v instanceof Y.Map

function agendaOf(map: Y.Map<unknown>): Y.Array<unknown> {
  return child(map, 'agenda', () => new Y.Array<unknown>(), isArray)
}

function uniqueIds(ids: readonly string[]): string[] {
  return [...new Set(ids.map((s) => s.trim()).filter((s) => s !== ''))]
}

function transact(doc: Y.Doc, f: () => void): void {
  doc.transact(f)
}

/** Creates a draft session under `id`. */
export function createReviewSession(doc: Y.Doc, id: string, input: NewReviewSession, now: number) {
  if (!DATE.test(input.date)) throw new ConcordError('bad_request', 'the date must be YYYY-MM-DD')
  if (reviewSessionsMap(doc).has(id)) {
    throw new ConcordError('conflict', `the review session '${id}' exists`)
  }
  transact(doc, () => {
    const map = new Y.Map<unknown>()
    map.set('title', input.title.trim() || 'Review session')
    map.set('date', input.date)
    map.set('status', 'draft')
    map.set('leader', input.leader)
    map.set('current', 0)
    const agenda = new Y.Array<unknown>()
    agenda.push(uniqueIds(input.agenda))
    map.set('agenda', agenda)
    map.set('attendees', new Y.Map<unknown>())
    map.set('decisions', new Y.Map<unknown>())
    map.set('createdAt', now)
    reviewSessionsMap(doc).set(id, map)
  })
}

function str(v: unknown, fallback = ''): string {
  return typeof v === 'string' ? v : fallback
}
function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined
}

function readDecision(raw: unknown): ReviewDecision | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined
  const r = raw as Record<string, unknown>
  const label =
    typeof r.label === 'string'
      ? r.label
      : Array.isArray(r.label) && r.label.every((l) => typeof l === 'string')
        ? (r.label as string[])
        : undefined
  if (label === undefined || label.length === 0) return undefined
  return {
    label,
    rationale: str(r.rationale),
    addToBooklet: r.addToBooklet === true,
    by: str(r.by),
    at: num(r.at) ?? 0,
  }
}

/** A session as plain data, or undefined when there is none (or it does not fit the layout). */
export function readReviewSession(doc: Y.Doc, id: string): ReviewSession | undefined {
  const map = reviewSessionsMap(doc).get(id)
  if (!(map instanceof Y.Map)) return undefined
  const status = map.get('status')
  const agendaRaw = map.get('agenda')
  const agenda = agendaRaw instanceof Y.Array ? agendaRaw.toArray().filter(isString) : []
  const attendees: Record<string, string> = {}
  const a = map.get('attendees')
  if (a instanceof Y.Map) a.forEach((name, uid) => (attendees[uid] = str(name, uid)))
  const decisions: Record<string, ReviewDecision> = {}
  const d = map.get('decisions')
  if (d instanceof Y.Map) {
    d.forEach((raw, itemId) => {
      const decision = readDecision(raw)
      if (decision) decisions[itemId] = decision
    })
  }
  const current = num(map.get('current')) ?? 0
  const startedAt = num(map.get('startedAt'))
  const endedAt = num(map.get('endedAt'))
  return {
    id,
    title: str(map.get('title'), 'Review session'),
    date: str(map.get('date')),
    status: status === 'live' || status === 'ended' ? status : 'draft',
    leader: str(map.get('leader')),
    current: Math.max(0, Math.min(Math.trunc(current), Math.max(0, agenda.length - 1))),
    agenda,
    attendees,
    decisions,
    hideNames: map.get('hideNames') === true,
    createdAt: num(map.get('createdAt')) ?? 0,
    ...(startedAt !== undefined ? { startedAt } : {}),
    ...(endedAt !== undefined ? { endedAt } : {}),
  }
}

function isString(v: unknown): v is string {
  return typeof v === 'string'
}

/** All sessions, newest first. */
export function listReviewSessions(doc: Y.Doc): ReviewSession[] {
  const out: ReviewSession[] = []
  for (const id of reviewSessionsMap(doc).keys()) {
    const s = readReviewSession(doc, id)
    if (s) out.push(s)
  }
  return out.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : 1))
}

function requireStatus(doc: Y.Doc, id: string, want: ReviewSessionStatus, what: string): void {
  const s = readReviewSession(doc, id)
  if (!s) throw new ConcordError('not_found', `no review session '${id}'`)
  if (s.status !== want) {
    throw new ConcordError('conflict', `${what} needs a ${want} session; '${id}' is ${s.status}`)
  }
}

/** Replaces the agenda (draft only). Duplicates and blanks are dropped. */
export function setReviewAgenda(doc: Y.Doc, id: string, agenda: readonly string[]): void {
  requireStatus(doc, id, 'draft', 'editing the agenda')
  transact(doc, () => {
    const arr = agendaOf(sessionMap(doc, id))
    arr.delete(0, arr.length)
    arr.push(uniqueIds(agenda))
  })
}

/** Edits a draft's title or date. */
export function setReviewSessionInfo(
  doc: Y.Doc,
  id: string,
  info: { title?: string; date?: string },
): void {
  requireStatus(doc, id, 'draft', 'editing the title or date')
  if (info.date !== undefined && !DATE.test(info.date)) {
    throw new ConcordError('bad_request', 'the date must be YYYY-MM-DD')
  }
  const map = sessionMap(doc, id)
  transact(doc, () => {
    if (info.title !== undefined) map.set('title', info.title.trim() || 'Review session')
    if (info.date !== undefined) map.set('date', info.date)
  })
}

/** A draft becomes live, on its first agenda item. */
export function startReviewSession(doc: Y.Doc, id: string, now: number): void {
  requireStatus(doc, id, 'draft', 'starting')
  const map = sessionMap(doc, id)
  transact(doc, () => {
    map.set('status', 'live')
    map.set('current', 0)
    map.set('startedAt', now)
  })
}

/** Moves everyone to agenda item `index` (clamped to the agenda). */
export function setReviewCurrent(doc: Y.Doc, id: string, index: number): number {
  requireStatus(doc, id, 'live', 'moving the current item')
  const map = sessionMap(doc, id)
  const length = agendaOf(map).length
  const clamped = Math.max(0, Math.min(Math.trunc(index), Math.max(0, length - 1)))
  map.set('current', clamped)
  return clamped
}

/** Who takes the lead (moves the current item for everyone). */
export function setReviewLeader(doc: Y.Doc, id: string, userId: string): void {
  sessionMap(doc, id).set('leader', userId)
}

/** Whether labels are shown without the names of who gave them. */
export function setReviewHideNames(doc: Y.Doc, id: string, hide: boolean): void {
  sessionMap(doc, id).set('hideNames', hide)
}

/** Notes an attendee (idempotent; a new name replaces the old one). */
export function addReviewAttendee(doc: Y.Doc, id: string, userId: string, name: string): void {
  const map = sessionMap(doc, id)
  transact(doc, () => {
    const attendees = child(map, 'attendees', () => new Y.Map<unknown>(), isMap)
    if (attendees.get(userId) !== name) attendees.set(userId, name)
  })
}

/**
 * Records the reviewers' decision on an agenda item of a live session, and makes it the item's
 * adjudicated label. Returns the adjudication written.
 */
export function recordReviewDecision(
  doc: Y.Doc,
  id: string,
  itemId: string,
  decision: ReviewDecision,
): AdjudicationEntry {
  requireStatus(doc, id, 'live', 'recording a decision')
  const map = sessionMap(doc, id)
  if (!agendaOf(map).toArray().includes(itemId)) {
    throw new ConcordError('bad_request', `item '${itemId}' is not on the agenda`)
  }
  const label = decision.label
  if (label.length === 0) throw new ConcordError('bad_request', 'a decision needs a label')
  const adjudication: AdjudicationEntry = {
    label: Array.isArray(label) ? [...label] : label,
    rationale: decision.rationale,
    by: decision.by,
    at: decision.at,
    session: id,
  }
  transact(doc, () => {
    const decisions = child(map, 'decisions', () => new Y.Map<unknown>(), isMap)
    decisions.set(itemId, { ...decision, label: adjudication.label })
    adjudicationsMap(doc).set(itemId, adjudication)
  })
  return adjudication
}

/** Ends a live session. */
export function endReviewSession(doc: Y.Doc, id: string, now: number): void {
  requireStatus(doc, id, 'live', 'ending')
  const map = sessionMap(doc, id)
  transact(doc, () => {
    map.set('status', 'ended')
    map.set('endedAt', now)
  })
}

/** Appends a comment to an item's thread. */
export function addReviewComment(doc: Y.Doc, itemId: string, comment: ReviewComment): void {
  const text = comment.text.trim()
  if (text === '') throw new ConcordError('bad_request', 'a comment needs text')
  transact(doc, () => {
    const thread = child(reviewCommentsMap(doc), itemId, () => new Y.Array<unknown>(), isArray)
    thread.push([{ ...comment, text: text.slice(0, 5000) }])
  })
}

/** An item's comment thread, oldest first. */
export function readReviewComments(doc: Y.Doc, itemId: string): ReviewComment[] {
  const thread = reviewCommentsMap(doc).get(itemId)
  if (!(thread instanceof Y.Array)) return []
  const out: ReviewComment[] = []
  for (const raw of thread.toArray()) {
    if (typeof raw !== 'object' || raw === null) continue
    const r = raw as Record<string, unknown>
    if (typeof r.text !== 'string') continue
    out.push({ by: str(r.by), name: str(r.name, str(r.by)), text: r.text, at: num(r.at) ?? 0 })
  }
  return out
}

/** How the minutes name things: an item's external id, a label's name. */
export interface MinutesNames {
  readonly item: (itemId: string) => string
  readonly label: (labelId: string) => string
}

/** The minutes of a session as Markdown: attendees, agenda, decisions. */
export function reviewSessionMinutes(session: ReviewSession, names: MinutesNames): string {
  const attendees = Object.values(session.attendees).sort((a, b) => a.localeCompare(b))
  const lines: string[] = []
  lines.push(`**Attended:** ${attendees.length > 0 ? attendees.join(', ') : 'nobody recorded'}`)
  lines.push('')
  lines.push(
    `**Agenda** (${session.agenda.length} ${session.agenda.length === 1 ? 'item' : 'items'}):`,
  )
  lines.push('')
  session.agenda.forEach((itemId, i) => {
    const decision = session.decisions[itemId]
    const item = names.item(itemId)
    if (!decision) {
      lines.push(`${i + 1}. Item \`${item}\`: no decision`)
      return
    }
    const labels = (Array.isArray(decision.label) ? decision.label : [decision.label])
      .map((l) => names.label(l))
      .join(', ')
    const booklet = decision.addToBooklet ? ' (added to the booklet)' : ''
    const rationale = decision.rationale.trim().replace(/\s*\n\s*/g, ' ')
    lines.push(
      `${i + 1}. Item \`${item}\`: **${labels}**${booklet}${rationale ? ` — ${rationale}` : ''}`,
    )
  })
  const decided = session.agenda.filter((id) => session.decisions[id]).length
  lines.push('')
  lines.push(`${decided} of ${session.agenda.length} items decided.`)
  return lines.join('\n')
}
