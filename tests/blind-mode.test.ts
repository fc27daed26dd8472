import { setLabel } from '@concord/core'
import { isDeepStrictEqual } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { createTestApp, withModels } from '../apps/server/src/testing/test-app'
import { Api } from './helpers/api'
import { connectProvider, labelsView, waitFor, waitSynced } from './helpers/clients'
import { startServerProcess, type ServerProcess } from './helpers/server-process'

// Blind mode, end to end: an annotator of a blind project (A) learns nothing of another
// annotator's (B's) labels from any REST route or sync room. Each route is walked as A twice:
// before B labels anything, and after B has labelled (agreeing, disagreeing, and on items A has
// not labelled), a reviewer has commented on B's label and a model has been trained on the
// consensus. Every answer A gets must be the same both times, but for the two project-wide
// totals of the project summary (see PROJECT_TOTALS). A route registered in the app without a
// case below fails the first test: every new route needs a blind decision.

let server: ServerProcess
let w: World

interface World {
  admin: Api
  project: string
  /** Database ids of the items, as the labels documents key them. */
  items: string[]
  a: { id: string; api: Api; username: string }
  b: { id: string; api: Api }
  reviewer: { id: string; api: Api }
}

interface Call {
  readonly method: string
  readonly path: string
  /** JSON, or a string sent as it is (with `contentType`). */
  readonly body?: unknown
  readonly contentType?: string
  /** Sign in again and use that session (for logout, which ends it). */
  readonly freshSession?: boolean
}

interface RouteCase {
  /** The route as the app registers it. */
  readonly route: string
  /** The status annotator A gets, for each call. */
  readonly status: number
  readonly calls: (w: World) => Call[]
}

const p = (w: World) => `/api/projects/${w.project}`
const one = (call: Call) => () => [call]
const get = (path: (w: World) => string) => (w: World) => [{ method: 'GET', path: path(w) }]

/** What annotator A of a blind project may call, and what she gets. */
const ROUTES: readonly RouteCase[] = [
  { route: 'GET /api/health', status: 200, calls: one({ method: 'GET', path: '/api/health' }) },
  {
    route: 'POST /api/auth/login',
    status: 200,
    calls: (w) => [
      {
        method: 'POST',
        path: '/api/auth/login',
        body: { username: w.a.username, password: 'password-123' },
      },
    ],
  },
  {
    route: 'POST /api/auth/logout',
    status: 204,
    calls: one({ method: 'POST', path: '/api/auth/logout', freshSession: true }),
  },
  { route: 'GET /api/auth/me', status: 200, calls: get(() => '/api/auth/me') },
  // An empty body is refused before any password is checked: nothing changes.
  {
    route: 'POST /api/auth/password',
    status: 400,
    calls: one({ method: 'POST', path: '/api/auth/password', body: {} }),
  },
  { route: 'GET /api/users', status: 403, calls: get(() => '/api/users') },
  {
    route: 'POST /api/users',
    status: 403,
    calls: one({ method: 'POST', path: '/api/users', body: { username: 'x', password: 'y' } }),
  },
  {
    route: 'PATCH /api/users/:id',
    status: 403,
    calls: (w) => [{ method: 'PATCH', path: `/api/users/${w.b.id}`, body: { disabled: true } }],
  },
  {
    route: 'POST /api/users/:id/password',
    status: 403,
    calls: (w) => [
      { method: 'POST', path: `/api/users/${w.b.id}/password`, body: { password: 'new-pass' } },
    ],
  },
  {
    route: 'DELETE /api/users/:id/sessions',
    status: 403,
    calls: (w) => [{ method: 'DELETE', path: `/api/users/${w.b.id}/sessions` }],
  },
  {
    route: 'POST /api/projects',
    status: 403,
    calls: one({ method: 'POST', path: '/api/projects', body: { name: 'x' } }),
  },
  // Project-wide totals only: see PROJECT_TOTALS.
  { route: 'GET /api/projects', status: 200, calls: get(() => '/api/projects') },
  { route: 'GET /api/projects/:id', status: 200, calls: get(p) },
  {
    route: 'PATCH /api/projects/:id',
    status: 403,
    calls: (w) => [{ method: 'PATCH', path: p(w), body: { blind: false } }],
  },
  { route: 'GET /api/projects/:id/members', status: 403, calls: get((w) => `${p(w)}/members`) },
  {
    route: 'PUT /api/projects/:id/members/:userId',
    status: 403,
    calls: (w) => [
      { method: 'PUT', path: `${p(w)}/members/${w.b.id}`, body: { role: 'reviewer' } },
    ],
  },
  {
    route: 'DELETE /api/projects/:id/members/:userId',
    status: 403,
    calls: (w) => [{ method: 'DELETE', path: `${p(w)}/members/${w.b.id}` }],
  },
  // Items without how many people labelled them; the labelled filter only on her own labels.
  {
    route: 'GET /api/projects/:id/items',
    status: 200,
    calls: (w) => [
      { method: 'GET', path: `${p(w)}/items?limit=100` },
      { method: 'GET', path: `${p(w)}/items?annotator=${w.a.id}` },
      { method: 'GET', path: `${p(w)}/items?annotator=${w.a.id}&labelled=no` },
    ],
  },
  {
    route: 'GET /api/projects/:id/items',
    status: 403,
    calls: (w) => [
      { method: 'GET', path: `${p(w)}/items?annotator=${w.b.id}` },
      { method: 'GET', path: `${p(w)}/items?labelled=yes` },
      { method: 'GET', path: `${p(w)}/items?labelled=no` },
    ],
  },
  {
    route: 'GET /api/projects/:id/items/:itemId',
    status: 200,
    // Labelled by A and B; by B alone.
    calls: (w) => [0, 12].map((i) => ({ method: 'GET', path: `${p(w)}/items/${w.items[i]}` })),
  },
  {
    route: 'GET /api/projects/:id/items/:itemId/media',
    status: 404,
    calls: (w) => [{ method: 'GET', path: `${p(w)}/items/${w.items[12]}/media` }],
  },
  {
    route: 'POST /api/projects/:id/items/import',
    status: 403,
    calls: (w) => [
      {
        method: 'POST',
        path: `${p(w)}/items/import?format=csv`,
        body: 'id,text\nz,zz\n',
        contentType: 'text/csv',
      },
    ],
  },
  {
    route: 'POST /api/projects/:id/labels/import',
    status: 403,
    calls: (w) => [
      {
        method: 'POST',
        path: `${p(w)}/labels/import`,
        body: `item,annotator,label\next-0,${w.a.username},pos\n`,
        contentType: 'text/csv',
      },
    ],
  },
  // Her own reservations, in id order, without label counts.
  { route: 'GET /api/projects/:id/queue', status: 200, calls: get((w) => `${p(w)}/queue?limit=3`) },
  {
    route: 'POST /api/projects/:id/items/:itemId/flag',
    status: 201,
    calls: (w) => [{ method: 'POST', path: `${p(w)}/items/${w.items[12]}/flag`, body: {} }],
  },
  {
    route: 'DELETE /api/projects/:id/items/:itemId/flag',
    status: 200,
    calls: (w) => [{ method: 'DELETE', path: `${p(w)}/items/${w.items[12]}/flag` }],
  },
  { route: 'GET /api/projects/:id/flags', status: 403, calls: get((w) => `${p(w)}/flags`) },
  { route: 'GET /api/projects/:id/agreement', status: 403, calls: get((w) => `${p(w)}/agreement`) },
  {
    route: 'GET /api/projects/:id/agreement/:file',
    status: 403,
    calls: (w) =>
      ['overall', 'pairwise', 'perLabel', 'perAnnotator', 'weekly'].map((part) => ({
        method: 'GET',
        path: `${p(w)}/agreement/${part}.csv`,
      })),
  },
  { route: 'GET /api/projects/:id/consensus', status: 403, calls: get((w) => `${p(w)}/consensus`) },
  {
    route: 'GET /api/projects/:id/consensus.csv',
    status: 403,
    calls: get((w) => `${p(w)}/consensus.csv`),
  },
  { route: 'GET /api/projects/:id/hotspots', status: 403, calls: get((w) => `${p(w)}/hotspots`) },
  {
    route: 'GET /api/projects/:id/items/:itemId/annotations',
    status: 403,
    calls: (w) =>
      [0, 12].map((i) => ({ method: 'GET', path: `${p(w)}/items/${w.items[i]}/annotations` })),
  },
  {
    route: 'POST /api/projects/:id/items/:itemId/comments',
    status: 403,
    calls: (w) => [
      { method: 'POST', path: `${p(w)}/items/${w.items[0]}/comments`, body: { text: 'hi' } },
    ],
  },
  {
    route: 'GET /api/projects/:id/review/candidates',
    status: 403,
    calls: get((w) => `${p(w)}/review/candidates`),
  },
  { route: 'GET /api/projects/:id/recheck', status: 403, calls: get((w) => `${p(w)}/recheck`) },
  { route: 'GET /api/projects/:id/models', status: 403, calls: get((w) => `${p(w)}/models`) },
  {
    route: 'POST /api/projects/:id/models',
    status: 403,
    calls: (w) => [
      { method: 'POST', path: `${p(w)}/models`, body: 'x', contentType: 'multipart/form-data' },
    ],
  },
  {
    route: 'POST /api/projects/:id/models/train',
    status: 403,
    calls: (w) => [{ method: 'POST', path: `${p(w)}/models/train` }],
  },
  {
    route: 'PATCH /api/projects/:id/models/settings',
    status: 403,
    calls: (w) => [
      { method: 'PATCH', path: `${p(w)}/models/settings`, body: { suggestions: 'auto' } },
    ],
  },
  // The project shows suggestions to everyone, but the model was trained on the labels.
  {
    route: 'GET /api/projects/:id/suggestions',
    status: 200,
    calls: (w) =>
      [0, 12].map((i) => ({ method: 'GET', path: `${p(w)}/suggestions?item=${w.items[i]}` })),
  },
  {
    route: 'GET /api/projects/:id/mislabeled',
    status: 403,
    calls: (w) => [
      { method: 'GET', path: `${p(w)}/mislabeled` },
      { method: 'GET', path: `${p(w)}/mislabeled?scope=annotator&annotator=${w.b.id}` },
    ],
  },
  { route: 'GET /api/projects/:id/clusters', status: 403, calls: get((w) => `${p(w)}/clusters`) },
  {
    route: 'GET /api/projects/:id/clusters/:cluster/items',
    status: 403,
    calls: get((w) => `${p(w)}/clusters/0/items`),
  },
  {
    route: 'GET /api/projects/:id/models/shadow',
    status: 403,
    calls: get((w) => `${p(w)}/models/shadow`),
  },
  {
    route: 'GET /api/projects/:id/map/progress',
    status: 403,
    calls: get((w) => `${p(w)}/map/progress`),
  },
  { route: 'GET /api/projects/:id/map', status: 403, calls: get((w) => `${p(w)}/map`) },
]

/**
 * Project-wide totals a blind annotator keeps: labels given and items complete over the whole
 * project. They name no item and no label, and the team's progress bar needs them.
 */
const PROJECT_TOTALS = ['labelCount', 'completeCount'] as const

interface Answer {
  readonly status: number
  readonly body: unknown
}

async function send(call: Call): Promise<Answer> {
  let token = w.a.api.token
  if (call.freshSession) token = (await Api.login(server.url, w.a.username, 'password-123')).token
  const headers: Record<string, string> = { authorization: `Bearer ${token}` }
  let body: string | undefined
  if (typeof call.body === 'string') {
    body = call.body
    headers['content-type'] = call.contentType ?? 'text/plain'
  } else if (call.body !== undefined) {
    body = JSON.stringify(call.body)
    headers['content-type'] = 'application/json'
  }
  const res = await fetch(`${server.url}${call.path}`, { method: call.method, headers, body })
  const text = await res.text()
  const json = res.headers.get('content-type')?.includes('application/json')
  return { status: res.status, body: json ? normalise(JSON.parse(text) as unknown) : text }
}

/** Drops what differs between two sign-ins (token, expiry) and the allowed project totals. */
function normalise(body: unknown): unknown {
  if (Array.isArray(body)) return body.map(normalise)
  if (typeof body !== 'object' || body === null) return body
  const out: Record<string, unknown> = {}
  const isProject = 'overlap' in body && 'labelSchema' in body
  for (const [key, value] of Object.entries(body)) {
    if (key === 'token' || key === 'expiresAt') continue
    if (isProject && (PROJECT_TOTALS as readonly string[]).includes(key)) {
      expect(typeof value).toBe('number')
      continue
    }
    out[key] = normalise(value)
  }
  return out
}

interface Walked extends Answer {
  readonly expected: number
}

/** Every route walked as A, in order: `METHOD path` -> answer and the status expected. */
async function walk(): Promise<Map<string, Walked>> {
  const answers = new Map<string, Walked>()
  for (const c of ROUTES) {
    for (const call of c.calls(w)) {
      answers.set(`${call.method} ${call.path}`, { ...(await send(call)), expected: c.status })
    }
  }
  return answers
}

/** The calls that did not answer with the status of their route's case. */
function unexpected(walked: Map<string, Walked>): string[] {
  return [...walked]
    .filter(([, a]) => a.status !== a.expected)
    .map(([key, a]) => `${key}: ${a.status}, expected ${a.expected}: ${JSON.stringify(a.body)}`)
}

// ---- the rooms -----------------------------------------------------------------------------

interface RoomView {
  readonly closeCode: number | null
  readonly synced: boolean
  /** The whole document A received, as a Yjs update (an empty document is [0, 0]). */
  readonly state: number[]
  readonly labels: Record<string, unknown>
}

/** Opens a room as A with the official client: its content once synced, or how it was refused. */
async function openAsA(room: string): Promise<RoomView> {
  const provider: WebsocketProvider = connectProvider(server.wsUrl, room, w.a.api.token)
  let closeCode: number | null = null
  provider.on('connection-close', (event: { code: number } | null) => {
    if (event && closeCode === null) closeCode = event.code
  })
  try {
    await waitFor(() => provider.synced || closeCode !== null, `${room} synced or refused`)
    return {
      closeCode,
      synced: provider.synced,
      state: [...Y.encodeStateAsUpdate(provider.doc)],
      labels: labelsView(provider.doc),
    }
  } finally {
    provider.destroy()
  }
}

async function rooms(): Promise<{
  ownLabels: RoomView
  otherLabels: RoomView
  review: RoomView
  booklet: RoomView
}> {
  return {
    ownLabels: await openAsA(`labels/${w.project}/${w.a.id}`),
    otherLabels: await openAsA(`labels/${w.project}/${w.b.id}`),
    review: await openAsA(`review/${w.project}`),
    booklet: await openAsA(`booklet/${w.project}`),
  }
}

// ---- the world -----------------------------------------------------------------------------

const SPORT = 'goal striker referee penalty keeper league tackle stadium'.split(' ')
const MUSIC = 'violin cello sonata orchestra tempo chord melody concerto'.split(' ')
const ITEMS = 16
const topic = (i: number) => (i % 2 === 0 ? 'pos' : 'neg')
const text = (i: number) =>
  Array.from({ length: 12 }, (_, k) => (i % 2 === 0 ? SPORT : MUSIC)[(i * 3 + k) % 8]).join(' ')

/** Writes labels into a user's own labels document with the official client. */
async function label(token: string, user: string, labels: Record<number, string>): Promise<void> {
  const provider = connectProvider(server.wsUrl, `labels/${w.project}/${user}`, token, new Y.Doc())
  try {
    await waitSynced(provider)
    provider.doc.transact(() => {
      for (const [i, value] of Object.entries(labels)) {
        setLabel(provider.doc, w.items[Number(i)]!, { value, at: Date.UTC(2026, 0, 1) })
      }
    })
    // Projected into `annotations` once committed: the reviewer sees the last one.
    const last = w.items[Number(Object.keys(labels).at(-1))]!
    await waitFor(async () => {
      const res = await w.reviewer.api.request<{ annotations?: Array<{ annotator?: string }> }>(
        'GET',
        `${p(w)}/items/${last}/annotations`,
      )
      return JSON.stringify(res).includes(user)
    }, `labels of ${user} projected`)
  } finally {
    provider.destroy()
  }
}

beforeAll(async () => {
  server = await startServerProcess()
  const admin = await Api.login(server.url, 'admin', 'admin-password')
  const project = await admin.createProject({
    id: 'blind_p',
    name: 'Blind',
    labels: ['pos', 'neg', 'neutral'],
    overlap: 2,
    blind: true,
  })
  const rows = ['id,text', ...Array.from({ length: ITEMS }, (_, i) => `ext-${i},${text(i)}`)]
  await admin.importItemsCsv(project, rows.join('\n') + '\n')
  const items = (await admin.items(project)).map((i) => String(i.id))
  const a = await admin.createUser('blind_a')
  const b = await admin.createUser('blind_b')
  const reviewer = await admin.createUser('blind_rev')
  await admin.addMember(project, a.id, 'annotator')
  await admin.addMember(project, b.id, 'annotator')
  await admin.addMember(project, reviewer.id, 'reviewer')
  // The admin shows suggestions to everyone: blind mode must still win for a trained model.
  await admin.request('PATCH', `/api/projects/${project}/models/settings`, {
    suggestions: 'everyone',
  })
  w = { admin, project, items, a: { ...a, username: 'blind_a' }, b, reviewer }
  // A labels items 0-11 before the first walk.
  await label(
    a.api.token,
    a.id,
    Object.fromEntries(items.slice(0, 12).map((_, i) => [i, topic(i)])),
  )
})

afterAll(async () => {
  await server?.stop()
})

describe('an annotator of a blind project learns nothing of anyone else’s labels', () => {
  it('every route of the app has a blind decision here', async () => {
    const t = await createTestApp()
    const { models, app } = withModels(t)
    try {
      const registered = new Set(
        app.routes
          .filter((r) => !r.path.includes('*'))
          .map((r) => `${r.method} ${r.path.replace(/\/$/, '')}`),
      )
      expect([...new Set(ROUTES.map((r) => r.route))].sort()).toEqual([...registered].sort())
    } finally {
      await models.close()
      await t.close()
    }
  })

  it('gets the same answers from every route and room before and after B labels', async () => {
    const before = await walk()
    const roomsBefore = await rooms()

    // B labels: agreeing with A, disagreeing (item 3), and items A has not labelled (12, 13).
    const bLabels: Record<number, string> = {}
    for (let i = 0; i < 12; i++) bLabels[i] = i === 3 ? 'neutral' : topic(i)
    bLabels[12] = 'neutral'
    bLabels[13] = 'neutral'
    await label(w.b.api.token, w.b.id, bLabels)
    // A reviewer discusses B's label in the review document.
    await w.reviewer.api.request('POST', `${p(w)}/items/${w.items[3]}/comments`, {
      text: 'B chose neutral here',
    })
    // A model trained on the consensus, which now exists.
    await w.reviewer.api.request('POST', `${p(w)}/models/train`)
    await waitFor(
      async () => {
        const m = await w.reviewer.api.request<{
          active: string | null
          training: { state: string; lastError?: string }
        }>('GET', `${p(w)}/models`)
        if (m.training.lastError) throw new Error(`training failed: ${m.training.lastError}`)
        return m.active !== null && m.training.state === 'idle'
      },
      'a model trained on the consensus',
      60_000,
    )
    // Its suggestions exist (a reviewer sees them) before A's second walk.
    await waitFor(async () => {
      const s = await w.reviewer.api.request<{ labels: unknown[] }>(
        'GET',
        `${p(w)}/suggestions?item=${w.items[12]}`,
      )
      return s.labels.length > 0
    }, 'suggestions computed')

    const after = await walk()
    const changed = [...after]
      .filter(([key, answer]) => !isDeepStrictEqual(answer, before.get(key)))
      .map(([key, answer]) => ({ key, before: before.get(key)?.body, after: answer.body }))
    expect({ unexpected: unexpected(before), changed }).toEqual({ unexpected: [], changed: [] })

    const roomsAfter = await rooms()
    expect(roomsAfter).toEqual(roomsBefore)
    // Her own labels, and only hers; the other labels document and the review are refused.
    expect(roomsAfter.ownLabels.synced).toBe(true)
    expect(Object.keys(roomsAfter.ownLabels.labels).sort()).toEqual(w.items.slice(0, 12).sort())
    for (const refused of [roomsAfter.otherLabels, roomsAfter.review]) {
      expect(refused).toEqual({ closeCode: 4403, synced: false, state: [0, 0], labels: {} })
    }
    expect(roomsAfter.booklet.synced).toBe(true)
  })
})

describe('a room opened before access narrowed is authorized again', () => {
  it('turning blind mode on, or demoting a reviewer, closes what they may no longer read', async () => {
    const admin = w.admin
    const project = await admin.createProject({
      id: 'open_p',
      name: 'Open',
      labels: ['pos', 'neg'],
      overlap: 2,
      blind: false,
    })
    await admin.importItemsCsv(project, 'id,text\ne1,one\ne2,two\n')
    const [i1, i2] = (await admin.items(project)).map((i) => String(i.id))
    const a = await admin.createUser('open_a')
    const b = await admin.createUser('open_b')
    const r = await admin.createUser('open_rev')
    await admin.addMember(project, a.id, 'annotator')
    await admin.addMember(project, b.id, 'annotator')
    await admin.addMember(project, r.id, 'reviewer')

    const open = (room: string, token: string) => {
      const provider = connectProvider(server.wsUrl, room, token)
      const codes: number[] = []
      provider.on('connection-close', (event: { code: number } | null) => {
        if (event) codes.push(event.code)
      })
      return { provider, codes }
    }
    const bWrites = open(`labels/${project}/${b.id}`, b.api.token)
    const aReadsB = open(`labels/${project}/${b.id}`, a.api.token)
    const aReadsReview = open(`review/${project}`, a.api.token)
    const rWritesReview = open(`review/${project}`, r.api.token)
    const all = [bWrites, aReadsB, aReadsReview, rWritesReview]
    try {
      await Promise.all(all.map((o) => waitSynced(o.provider)))
      bWrites.provider.doc.transact(() =>
        setLabel(bWrites.provider.doc, i1!, { value: 'pos', at: 1 }),
      )
      // Not blind yet: A may read B's labels.
      await waitFor(() => labelsView(aReadsB.provider.doc)[i1!] !== undefined, 'A reads B')

      await admin.request('PATCH', `/api/projects/${project}`, { blind: true })
      await admin.addMember(project, r.id, 'annotator')
      // Reconnected and refused: the official client stops on 4403.
      for (const o of [aReadsB, aReadsReview, rWritesReview]) {
        await waitFor(() => o.codes.includes(4403), `${o.provider.roomname} refused again`)
      }
      bWrites.provider.doc.transact(() =>
        setLabel(bWrites.provider.doc, i2!, { value: 'neg', at: 2 }),
      )
      await waitFor(async () => {
        const res = await admin.request<{ annotations: Array<{ annotatorId: string }> }>(
          'GET',
          `/api/projects/${project}/items/${i2}/annotations`,
        )
        return res.annotations.some((x) => x.annotatorId === b.id)
      }, "B's new label stored")
      expect(labelsView(aReadsB.provider.doc)[i2!]).toBeUndefined()
      // B's own room was never narrowed.
      expect(bWrites.codes.filter((c) => c === 4403)).toEqual([])
    } finally {
      for (const o of all) o.provider.destroy()
    }
  })
})
