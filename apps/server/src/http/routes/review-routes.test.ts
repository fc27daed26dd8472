import {
  bookletLabels,
  createReviewSession,
  readReviewComments,
  recordReviewDecision,
  setLabel,
  startReviewSession,
  writeBookletToDoc,
  type UserId,
} from '@concord/core'
import { afterEach, describe, expect, it } from 'vitest'
import type * as Y from 'yjs'
import { createMemoryLogger } from '../../logger'
import { insertItems } from '../../repos/items'
import { createLogDocWriter } from '../../sync/log-doc-writer'
import { createTestApp, type TestApp } from '../../testing/test-app'

let t: TestApp | undefined
afterEach(async () => {
  await t?.close()
  t = undefined
})

async function setup(opts: { blind?: boolean } = {}) {
  t = await createTestApp({
    // The real writer, so labels and adjudications reach SQL through the projection.
    docs: ({ database, clock }) =>
      createLogDocWriter(database.db, clock, createMemoryLogger(), database.durable),
  })
  const app = t
  const project = await app.project({ id: 'rev', blind: opts.blind ?? true })
  await insertItems(
    app.ctx.db,
    project.id,
    Array.from({ length: 6 }, (_, i) => ({ externalId: `e${i}`, text: `t${i}`, metadata: {} })),
    0,
  )
  const [ann0, ann1, rev, outsider] = await app.users('r', 4)
  await app.member(project, ann0!, 'annotator')
  await app.member(project, ann1!, 'annotator')
  await app.member(project, rev!, 'reviewer')
  const items = (await app.request('GET', '/api/projects/rev/items', { token: app.adminToken }))
    .body.items as Array<{ id: string; externalId: string }>
  await app.ctx.docs.change('booklet/rev', (doc) =>
    writeBookletToDoc(doc, {
      title: 'Rev',
      intro: '',
      labels: ['a', 'b', 'c'].map((id) => ({
        id,
        name: id.toUpperCase(),
        definition: `Definition of ${id}.`,
        includes: '',
        excludes: '',
      })),
      examples: [],
      discussions: [],
    }),
  )
  const label = (who: UserId, item: number, value: string, bookletVersion?: number) =>
    app.ctx.docs.change(`labels/rev/${who}`, (doc) =>
      setLabel(doc, items[item]!.id, {
        value,
        at: app.clock.now(),
        ...(bookletVersion !== undefined ? { bookletVersion } : {}),
      }),
    )
  return { app, items, ann0: ann0!, ann1: ann1!, rev: rev!, outsider: outsider!, label }
}

/** What the booklet editor does when an edit that changed a definition ends. */
async function changeDefinition(app: TestApp, labelId: string): Promise<void> {
  await app.ctx.docs.change('booklet/rev', (doc) => {
    const map = bookletLabels(doc).get(labelId) as Y.Map<unknown>
    ;(map.get('definition') as Y.Text).insert(0, 'Changed. ')
    map.set('version', (map.get('version') as number) + 1)
  })
}

describe('re-check after a definition change', () => {
  it('lists exactly the labels made under the old version of the changed label', async () => {
    const { app, items, ann0, ann1, rev, label } = await setup()
    await label(ann0.id, 0, 'a', 1)
    await label(ann1.id, 0, 'a', 1)
    await label(ann0.id, 1, 'b', 1) // another label: its definition does not change
    await label(ann1.id, 2, 'a') // no version recorded: cannot be judged
    const before = await app.request('GET', '/api/projects/rev/recheck', { token: rev.token })
    expect(before.status).toBe(200)
    expect(before.body.recheck).toEqual([])

    await changeDefinition(app, 'a')
    await label(ann0.id, 3, 'a', 2) // made under the new version
    await label(ann1.id, 1, 'a', 2)

    const res = await app.request('GET', '/api/projects/rev/recheck', { token: rev.token })
    expect(res.body.versions).toEqual({ a: 2, b: 1, c: 1 })
    const listed = (res.body.recheck as Array<Record<string, unknown>>).map((r) => [
      r.externalId,
      r.annotatorId,
      r.label,
      r.madeUnder,
      r.currentVersion,
    ])
    expect(listed.sort()).toEqual(
      [
        ['e0', ann0.id, 'a', 1, 2],
        ['e0', ann1.id, 'a', 1, 2],
      ].sort(),
    )
    expect(res.body.recheck[0]).toEqual(
      expect.objectContaining({ itemId: items[0]!.id, value: 'a', annotatorName: 'r0' }),
    )

    // A second change: labels made under v2 are now listed too, those under v1 still are.
    await changeDefinition(app, 'a')
    const again = await app.request('GET', '/api/projects/rev/recheck', { token: rev.token })
    expect(again.body.recheck).toHaveLength(4)
  })

  it('is for reviewers only', async () => {
    const { app, ann0 } = await setup({ blind: false })
    const res = await app.request('GET', '/api/projects/rev/recheck', { token: ann0.token })
    expect(res.status).toBe(403)
  })
})

describe('item annotations for the review', () => {
  it('lists every label with who gave it, and the adjudication once decided', async () => {
    const { app, items, ann0, ann1, rev, label } = await setup()
    await label(ann0.id, 0, 'a', 1)
    await label(ann1.id, 0, 'b', 1)
    const path = `/api/projects/rev/items/${items[0]!.id}/annotations`
    const res = await app.request('GET', path, { token: rev.token })
    expect(res.status).toBe(200)
    expect(res.body.annotations).toEqual([
      expect.objectContaining({ annotatorId: ann0.id, annotatorName: 'r0', value: 'a' }),
      expect.objectContaining({ annotatorId: ann1.id, annotatorName: 'r1', value: 'b' }),
    ])
    expect(res.body.adjudication).toBeNull()

    await app.ctx.docs.change('review/rev', (doc) => {
      createReviewSession(
        doc,
        's1',
        { title: 'W1', date: '2025-01-01', leader: rev.id, agenda: [items[0]!.id] },
        1,
      )
      startReviewSession(doc, 's1', 2)
      recordReviewDecision(doc, 's1', items[0]!.id, {
        label: 'b',
        rationale: 'Rule 3.',
        addToBooklet: false,
        by: rev.id,
        at: 3,
      })
    })
    const after = await app.request('GET', path, { token: rev.token })
    expect(after.body.adjudication).toEqual({
      label: 'b',
      rationale: 'Rule 3.',
      decidedBy: rev.id,
      decidedAt: 3,
      sessionId: 's1',
    })
  })

  it.each([
    ['a reviewer, blind', true, 'rev', 200],
    ['an annotator, blind', true, 'ann0', 403],
    ['an annotator, not blind', false, 'ann0', 200],
    ['a non-member', false, 'outsider', 404],
  ] as const)('%s gets %s', async (_name, blind, who, status) => {
    const s = await setup({ blind })
    const res = await s.app.request(
      'GET',
      `/api/projects/rev/items/${s.items[0]!.id}/annotations`,
      {
        token: s[who].token,
      },
    )
    expect(res.status).toBe(status)
  })

  it('lets members comment when the project is not blind', async () => {
    const { app, items, ann0 } = await setup({ blind: false })
    const res = await app.request('POST', `/api/projects/rev/items/${items[1]!.id}/comments`, {
      token: ann0.token,
      body: { text: 'I read it as marketing.' },
    })
    expect(res.status).toBe(201)
    const thread = await app.ctx.docs.read('review/rev', (doc) =>
      readReviewComments(doc, items[1]!.id),
    )
    expect(thread).toEqual([
      expect.objectContaining({ by: ann0.id, name: 'r0', text: 'I read it as marketing.' }),
    ])
  })
})

describe('agenda candidates', () => {
  it('ranks disputed items, then adds flagged ones', async () => {
    const { app, items, ann0, ann1, rev, label } = await setup()
    await label(ann0.id, 0, 'a')
    await label(ann1.id, 0, 'b')
    await label(ann0.id, 1, 'a')
    await label(ann1.id, 1, 'a')
    await app.request('POST', `/api/projects/rev/items/${items[4]!.id}/flag`, {
      token: ann0.token,
    })
    const res = await app.request('GET', '/api/projects/rev/review/candidates?limit=5', {
      token: rev.token,
    })
    expect(res.status).toBe(200)
    expect(res.body.candidates.map((c: { externalId: string }) => c.externalId)).toEqual([
      'e0',
      'e4',
    ])
    expect(res.body.candidates[1]).toEqual(expect.objectContaining({ flagged: true }))
  })
})
