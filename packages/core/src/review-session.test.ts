import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { ConcordError } from './errors'
import { adjudicationsMap, parseAdjudicationEntry } from './review-doc'
import {
  addReviewAttendee,
  addReviewComment,
  createReviewSession,
  endReviewSession,
  listReviewSessions,
  readReviewComments,
  readReviewSession,
  recordReviewDecision,
  reviewSessionMinutes,
  reviewSessionsMap,
  setReviewAgenda,
  setReviewCurrent,
  setReviewSessionInfo,
  startReviewSession,
  type ReviewSessionStatus,
} from './review-session'

function draft(agenda = ['1', '2', '3']): Y.Doc {
  const doc = new Y.Doc()
  createReviewSession(
    doc,
    's1',
    { title: ' Week 12 ', date: '2025-03-20', leader: 'u-rev', agenda },
    1000,
  )
  return doc
}

function live(agenda = ['1', '2', '3']): Y.Doc {
  const doc = draft(agenda)
  startReviewSession(doc, 's1', 2000)
  return doc
}

function code(f: () => unknown): string | undefined {
  try {
    f()
    return undefined
  } catch (err) {
    return err instanceof ConcordError ? err.code : 'other'
  }
}

const decision = { label: 'b', rationale: 'Because.', addToBooklet: true, by: 'u-rev', at: 5 }

describe('review sessions', () => {
  it('creates a draft with a de-duplicated agenda', () => {
    const doc = draft(['4', '4', ' ', '2'])
    expect(readReviewSession(doc, 's1')).toEqual({
      id: 's1',
      title: 'Week 12',
      date: '2025-03-20',
      status: 'draft',
      leader: 'u-rev',
      current: 0,
      agenda: ['4', '2'],
      attendees: {},
      decisions: {},
      hideNames: false,
      createdAt: 1000,
    })
    expect(
      code(() =>
        createReviewSession(
          doc,
          's1',
          { title: 'x', date: '2025-01-01', leader: 'u', agenda: [] },
          1,
        ),
      ),
    ).toBe('conflict')
    expect(
      code(() =>
        createReviewSession(
          doc,
          's2',
          { title: 'x', date: '20.1.2025', leader: 'u', agenda: [] },
          1,
        ),
      ),
    ).toBe('bad_request')
  })

  // Which operation each status allows: the agenda is editable only before the session starts.
  const ops: Array<[string, (doc: Y.Doc) => unknown, ReviewSessionStatus]> = [
    ['set the agenda', (d) => setReviewAgenda(d, 's1', ['3', '1']), 'draft'],
    ['edit the title', (d) => setReviewSessionInfo(d, 's1', { title: 'New' }), 'draft'],
    ['start', (d) => startReviewSession(d, 's1', 1), 'draft'],
    ['move the current item', (d) => setReviewCurrent(d, 's1', 1), 'live'],
    ['record a decision', (d) => recordReviewDecision(d, 's1', '2', decision), 'live'],
    ['end', (d) => endReviewSession(d, 's1', 1), 'live'],
  ]
  const states: Array<[ReviewSessionStatus, () => Y.Doc]> = [
    ['draft', () => draft()],
    ['live', () => live()],
    [
      'ended',
      () => {
        const d = live()
        endReviewSession(d, 's1', 3)
        return d
      },
    ],
  ]
  for (const [name, op, allowed] of ops) {
    for (const [status, make] of states) {
      it(`${name} in a ${status} session: ${status === allowed ? 'allowed' : 'conflict'}`, () => {
        expect(code(() => op(make()))).toBe(status === allowed ? undefined : 'conflict')
      })
    }
  }

  it.each([
    [-3, 0],
    [1, 1],
    [2, 2],
    [7, 2],
    [1.7, 1],
  ])('setReviewCurrent(%s) on three items goes to %s', (index, want) => {
    const doc = live()
    expect(setReviewCurrent(doc, 's1', index)).toBe(want)
    expect(readReviewSession(doc, 's1')?.current).toBe(want)
  })

  it('a decision becomes the adjudication the server projects', () => {
    const doc = live()
    recordReviewDecision(doc, 's1', '2', decision)
    expect(readReviewSession(doc, 's1')?.decisions).toEqual({ '2': decision })
    const adj = parseAdjudicationEntry(adjudicationsMap(doc).get('2'))
    expect(adj).toEqual({
      ok: true,
      entry: { label: 'b', rationale: 'Because.', by: 'u-rev', at: 5, session: 's1' },
    })
    expect(code(() => recordReviewDecision(doc, 's1', '9', decision))).toBe('bad_request')
  })

  it('syncs between replicas and skips what does not fit the layout', () => {
    const a = live()
    addReviewAttendee(a, 's1', 'u-ann', 'Ana')
    addReviewAttendee(a, 's1', 'u-ann', 'Ana')
    setReviewCurrent(a, 's1', 2)
    const b = new Y.Doc()
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a))
    const s = readReviewSession(b, 's1')
    expect(s?.attendees).toEqual({ 'u-ann': 'Ana' })
    expect(s?.current).toBe(2)
    reviewSessionsMap(b).set('junk', 42)
    const decisions = (reviewSessionsMap(b).get('s1') as Y.Map<unknown>).get(
      'decisions',
    ) as Y.Map<unknown>
    decisions.set('1', { label: 7 })
    expect(listReviewSessions(b).map((x) => x.id)).toEqual(['s1'])
    expect(readReviewSession(b, 's1')?.decisions).toEqual({})
    expect(readReviewSession(b, 'junk')).toBeUndefined()
  })

  it('keeps comment threads per item, oldest first', () => {
    const doc = new Y.Doc()
    addReviewComment(doc, '1', { by: 'u1', name: 'Ana', text: ' first ', at: 1 })
    addReviewComment(doc, '1', { by: 'u2', name: 'Rita', text: 'second', at: 2 })
    expect(readReviewComments(doc, '1').map((c) => c.text)).toEqual(['first', 'second'])
    expect(readReviewComments(doc, '2')).toEqual([])
    expect(code(() => addReviewComment(doc, '1', { by: 'u', name: 'u', text: '  ', at: 3 }))).toBe(
      'bad_request',
    )
  })

  it('writes minutes: attendees, each agenda item with its decision', () => {
    const doc = live()
    addReviewAttendee(doc, 's1', 'u-rev', 'Rita')
    addReviewAttendee(doc, 's1', 'u-ann', 'Ana')
    recordReviewDecision(doc, 's1', '1', { ...decision, rationale: 'A promo\ncode.' })
    recordReviewDecision(doc, 's1', '3', { ...decision, label: ['a', 'c'], addToBooklet: false })
    endReviewSession(doc, 's1', 9)
    const minutes = reviewSessionMinutes(readReviewSession(doc, 's1')!, {
      item: (id) => `x-${id}`,
      label: (id) => id.toUpperCase(),
    })
    expect(minutes).toBe(
      [
        '**Attended:** Ana, Rita',
        '',
        '**Agenda** (3 items):',
        '',
        '1. Item `x-1`: **B** (added to the booklet) — A promo code.',
        '2. Item `x-2`: no decision',
        '3. Item `x-3`: **A, C** — Because.',
        '',
        '2 of 3 items decided.',
      ].join('\n'),
    )
  })
})
