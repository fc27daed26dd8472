import { setLabel, type ProjectId } from '@concord/core'
import type { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppEnv } from '../http/app-env'
import { createMemoryLogger } from '../logger'
import { insertItems, itemIdsOf } from '../repos/items'
import { createLogDocWriter } from '../sync/log-doc-writer'
import { createTestApp, withModels, type TestApp } from '../testing/test-app'
import { insertModel, storePredictions } from './model-repo'
import type { ModelService } from './model-service'

// What the model shows people, through the REST API over a real SQLite file: who sees its
// suggestions, how it scores as a shadow annotator, and whose labels it calls mislabeled.

let t: TestApp
let models: ModelService
let app: Hono<AppEnv>

type User = Awaited<ReturnType<TestApp['user']>>

async function call<T>(
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const headers = new Headers({ authorization: `Bearer ${token}` })
  if (body !== undefined) headers.set('content-type', 'application/json')
  const res = await app.request(path, {
    method,
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  })
  return { status: res.status, body: (await res.json()) as T }
}

/** Writes `labels` (item id -> label) into the user's labels document in one change. */
async function label(project: ProjectId, user: User, labels: ReadonlyMap<number, string>) {
  await t.ctx.docs.change(`labels/${project}/${user.id}`, (doc) => {
    for (const [itemId, value] of labels) setLabel(doc, String(itemId), { value, at: 1 })
  })
}

// ---- a separable corpus: three topics with words of their own ------------------------------

const TOPICS: Record<string, string[]> = {
  a: 'goal striker referee penalty midfield keeper league tackle offside stadium'.split(' '),
  b: 'violin cello sonata orchestra conductor tempo chord melody rehearsal concerto'.split(' '),
  c: 'compiler pointer kernel bytecode linker thread mutex parser runtime syntax'.split(' '),
}
const FILLER = 'the a of to and in that it was for on with as at by this from or an be'.split(' ')
const ITEMS = 300
/** Items the sloppy annotator labels with the next topic (spread over the three topics). */
const FLIPPED = new Set(Array.from({ length: ITEMS }, (_, i) => i).filter((i) => i % 31 === 5))
const topicOf = (i: number) => 'abc'[i % 3]!
const wrongOf = (i: number) => 'abc'[(i + 1) % 3]!

function itemText(i: number): string {
  const words = TOPICS[topicOf(i)]!
  const out: string[] = []
  let x = (i + 1) * 2654435761
  for (let w = 0; w < 24; w++) {
    x = (x * 1103515245 + 12345) >>> 0
    out.push(w % 3 === 0 ? words[x % words.length]! : FILLER[x % FILLER.length]!)
  }
  return out.join(' ')
}

let corpus: ProjectId
let corpusIds: number[]
let careful: User
let sloppy: User
let annotator: User
let reviewer: User
let trainedModel: string

beforeAll(async () => {
  t = await createTestApp({
    docs: ({ database, clock }) =>
      createLogDocWriter(database.db, clock, createMemoryLogger(), database.durable),
  })
  ;({ models, app } = withModels(t))

  corpus = (await t.project({ id: 'topics', overlap: 2, blind: true })).id
  await insertItems(
    t.ctx.db,
    corpus,
    Array.from({ length: ITEMS }, (_, i) => ({
      externalId: `t${i}`,
      text: itemText(i),
      metadata: {},
    })),
    t.clock.now(),
  )
  corpusIds = await itemIdsOf(t.ctx.db, corpus)
  careful = await t.user('careful')
  sloppy = await t.user('sloppy')
  annotator = await t.user('annotator')
  reviewer = await t.user('reviewer')
  for (const u of [careful, sloppy, annotator]) await t.member({ id: corpus }, u, 'annotator')
  await t.member({ id: corpus }, reviewer, 'reviewer')
  // With K = 2 a flipped item gets one vote each way, so no consensus: the model never trains
  // on the sloppy labels, and judges them out of sample.
  await label(corpus, careful, new Map(corpusIds.map((id, i) => [id, topicOf(i)])))
  await label(
    corpus,
    sloppy,
    new Map(corpusIds.map((id, i) => [id, FLIPPED.has(i) ? wrongOf(i) : topicOf(i)])),
  )
  const train = await call(`POST`, `/api/projects/${corpus}/models/train`, t.adminToken)
  expect(train.status).toBe(202)
  await models.idle()
  const list = await call<{ active: string | null; models: { version: number }[] }>(
    'GET',
    `/api/projects/${corpus}/models`,
    t.adminToken,
  )
  expect(list.body.models.map((m) => m.version)).toEqual([1])
  trainedModel = list.body.active!
})

afterAll(async () => {
  await models.close()
  await t.close()
})

// ---- 1. who sees suggestions ---------------------------------------------------------------

interface SuggestionsBody {
  model: { id: string; version: number } | null
  labels: { label: string; probability: number }[]
  hidden: boolean
}

describe('suggestions visibility', () => {
  it.each([
    // Blind annotators would be anchored by the model; reviewers judge, so they see it.
    { setting: 'auto', blind: true, annotator: false, reviewer: true, admin: true },
    { setting: 'auto', blind: false, annotator: true, reviewer: true, admin: true },
    { setting: 'reviewers', blind: false, annotator: false, reviewer: true, admin: true },
    // 'hidden' means nobody, admins included (the model still orders the queue).
    { setting: 'hidden', blind: false, annotator: false, reviewer: false, admin: false },
    { setting: 'everyone', blind: false, annotator: true, reviewer: true, admin: true },
    // This model was trained on the project's consensus, a summary of other people's labels:
    // blind mode wins over 'everyone' (an uploaded model's suggestions would show).
    { setting: 'everyone', blind: true, annotator: false, reviewer: true, admin: true },
  ] as const)(
    '$setting, blind $blind: annotator $annotator, reviewer $reviewer, admin $admin',
    async (c) => {
      const settings = await call<{ suggestions: string }>(
        'PATCH',
        `/api/projects/${corpus}/models/settings`,
        t.adminToken,
        { suggestions: c.setting },
      )
      expect(settings.body.suggestions).toBe(c.setting)
      const patched = await call<{ project: { blind: boolean } }>(
        'PATCH',
        `/api/projects/${corpus}`,
        t.adminToken,
        { blind: c.blind },
      )
      expect(patched.body.project.blind).toBe(c.blind)

      // Item t0 is about topic a, labelled a by both annotators.
      const item = corpusIds[0]!
      for (const [token, sees] of [
        [annotator.token, c.annotator],
        [reviewer.token, c.reviewer],
        [t.adminToken, c.admin],
      ] as const) {
        const res = await call<SuggestionsBody>(
          'GET',
          `/api/projects/${corpus}/suggestions?item=${item}`,
          token,
        )
        expect(res.status).toBe(200)
        if (!sees) {
          expect(res.body).toEqual({ model: null, labels: [], hidden: true })
          continue
        }
        expect(res.body.hidden).toBe(false)
        expect(res.body.model).toEqual({ id: trainedModel, version: 1 })
        // Top 3 of 3 labels: the whole distribution, best first, the right topic on top.
        expect(res.body.labels.map((l) => l.label).sort()).toEqual(['a', 'b', 'c'])
        expect(res.body.labels[0]!.label).toBe('a')
        const p = res.body.labels.map((l) => l.probability)
        expect(p).toEqual([...p].sort((x, y) => y - x))
        expect(p.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 5)
      }
    },
  )
})

// ---- 2. shadow mode ------------------------------------------------------------------------

describe('shadow mode', () => {
  it('scores the model as annotator model:<version> against the consensus and each person', async () => {
    const project = (await t.project({ id: 'shadow', overlap: 2 })).id
    await insertItems(
      t.ctx.db,
      project,
      Array.from({ length: 9 }, (_, i) => ({ externalId: `s${i + 1}`, text: 'x', metadata: {} })),
      t.clock.now(),
    )
    const ids = await itemIdsOf(t.ctx.db, project)
    const [x, y, z] = [await t.user('xavier'), await t.user('yolanda'), await t.user('zoe')]
    for (const u of [x, y, z]) await t.member({ id: project }, u, 'annotator')
    //  item   X   Y   Z   consensus (K = 2)   model
    //   1     a   a       a                   a
    //   2     a   a       a                   b
    //   3     b   b       b                   b
    //   4     b   a       - (a tie)           a
    //   5     c   c       c                   c
    //   6     a           - (one label)       a
    //   7         b       - (one label)       c
    //   8                 -                   a
    //   9             a   - (one label)       (no prediction)
    const of = (labels: Record<number, string>) =>
      new Map(Object.entries(labels).map(([n, v]) => [ids[Number(n) - 1]!, v]))
    await label(project, x, of({ 1: 'a', 2: 'a', 3: 'b', 4: 'b', 5: 'c', 6: 'a' }))
    await label(project, y, of({ 1: 'a', 2: 'a', 3: 'b', 4: 'a', 5: 'c', 7: 'b' }))
    await label(project, z, of({ 9: 'a' }))

    // Two uploaded models: the newest, version 2, is active, and its predictions are set here
    // (the model's top label is what counts, never a threshold).
    const manifest = JSON.stringify({
      name: 'Shadow test',
      inputName: 'features',
      outputName: 'probabilities',
      inputKind: 'embedding',
      labels: ['a', 'b', 'c'],
      output: 'probabilities',
    })
    for (const id of ['m_old', 'm_shadow']) {
      await insertModel(t.ctx.db, project, {
        id,
        kind: 'uploaded',
        name: id,
        manifest,
        onnx: new Uint8Array(1),
        metrics: null,
        labels_count: 0,
        created_at: t.clock.now(),
      })
    }
    const proba = [
      [0.7, 0.2, 0.1], // a
      [0.3, 0.6, 0.1], // b
      [0.1, 0.8, 0.1], // b
      [0.5, 0.4, 0.1], // a
      [0.1, 0.1, 0.8], // c
      [0.9, 0.05, 0.05], // a
      [0.2, 0.35, 0.45], // c
      [0.6, 0.3, 0.1], // a
    ]
    await storePredictions(
      t.ctx.db,
      project,
      'm_shadow',
      ids.slice(0, 8),
      Float32Array.from(proba.flat()),
      3,
      new Map(),
    )

    const res = await call<{
      model: { id: string; version: number; annotator: string }
      vsConsensus: { n: number; agreement: number | null; kappa: number | null }
      annotators: {
        id: string
        name: string
        n: number
        agreement: number | null
        kappa: number | null
      }[]
      overall: { alphaHumans: number | null; alphaWithModel: number | null }
    }>('GET', `/api/projects/${project}/models/shadow`, t.adminToken)
    expect(res.status).toBe(200)
    expect(res.body.model).toEqual({ id: 'm_shadow', version: 2, annotator: 'model:2' })

    // Model vs consensus, items 1, 2, 3, 5: (a,a) (b,a) (b,b) (c,c). p_o = 3/4.
    // Marginals model a1 b2 c1, consensus a2 b1 c1: p_e = (2 + 2 + 1) / 16 = 5/16.
    // kappa = (12/16 - 5/16) / (11/16) = 7/11.
    expect(res.body.vsConsensus.n).toBe(4)
    expect(res.body.vsConsensus.agreement).toBeCloseTo(3 / 4, 12)
    expect(res.body.vsConsensus.kappa).toBeCloseTo(7 / 11, 12)

    // Model vs X, items 1-6: (a,a) (b,a) (b,b) (a,b) (c,c) (a,a). p_o = 4/6.
    // Marginals model a3 b2 c1, X a3 b2 c1: p_e = (9 + 4 + 1) / 36 = 7/18.
    // kappa = (12/18 - 7/18) / (11/18) = 5/11.
    // Model vs Y, items 1-5 and 7: (a,a) (b,a) (b,b) (a,a) (c,c) (c,b). p_o = 4/6.
    // Marginals model a2 b2 c2, Y a3 b2 c1: p_e = (6 + 4 + 2) / 36 = 1/3.
    // kappa = (2/3 - 1/3) / (2/3) = 1/2.
    // Z labelled only item 9, which the model has no prediction for: nothing to compare.
    const byName = new Map(res.body.annotators.map((a) => [a.name, a]))
    expect([...byName.keys()].sort()).toEqual(['xavier', 'yolanda', 'zoe'])
    expect(byName.get('xavier')!.id).toBe(x.id)
    const scores = (name: string) => {
      const s = byName.get(name)!
      return [s.n, s.agreement, s.kappa]
    }
    const close = (v: number) => expect.closeTo(v, 12) as unknown
    expect(scores('xavier')).toEqual([6, close(2 / 3), close(5 / 11)])
    expect(scores('yolanda')).toEqual([6, close(2 / 3), close(1 / 2)])
    expect(scores('zoe')).toEqual([0, null, null])

    // Krippendorff's alpha (nominal), alpha = 1 - (n - 1) * sum_{c != k} o_ck / sum_{c != k} n_c n_k.
    // People only: items 1-5 are pairable (two labels each). o_aa 4, o_bb 2, o_cc 2,
    // o_ab = o_ba = 1 (item 4); n_a 5, n_b 3, n_c 2, n 10: 1 - 9 * 2 / (100 - 38) = 22/31.
    // With the model: items 1-5 have three values (pairs weigh 1/2), items 6-7 two.
    // o_aa = 3 + 1 + 1 + 2 = 7, o_bb 3, o_cc 3, o_ab = o_ba = 2, o_bc = o_cb = 1;
    // n_a 9, n_b 6, n_c 4, n 19: 1 - 18 * 6 / (361 - 133) = 10/19.
    expect(res.body.overall.alphaHumans).toBeCloseTo(22 / 31, 12)
    expect(res.body.overall.alphaWithModel).toBeCloseTo(10 / 19, 12)

    // The agreement dashboard counts people only: the model is not among its annotators.
    const agreement = await call<{
      counts: { annotators: number }
      overall: { alpha: { value: number | null } }
    }>('GET', `/api/projects/${project}/agreement`, t.adminToken)
    expect(agreement.body.counts.annotators).toBe(3)
    expect(agreement.body.overall.alpha.value).toBeCloseTo(22 / 31, 12)

    // On items a trained model learned from, its out-of-fold label is the one scored. Item 2's
    // says a: against the consensus, (a,a) (a,a) (b,b) (c,c), p_o = 1, kappa = 1.
    await storePredictions(
      t.ctx.db,
      project,
      'm_shadow',
      ids.slice(0, 8),
      Float32Array.from(proba.flat()),
      3,
      new Map([[ids[1]!, Float32Array.from([0.8, 0.1, 0.1])]]),
    )
    const oof = await call<{ vsConsensus: { n: number; agreement: number; kappa: number } }>(
      'GET',
      `/api/projects/${project}/models/shadow`,
      t.adminToken,
    )
    expect(oof.body.vsConsensus).toEqual({ n: 4, agreement: 1, kappa: 1 })
  })

  it('reports no model when the project has none', async () => {
    const project = (await t.project({ id: 'nomodel' })).id
    const res = await call('GET', `/api/projects/${project}/models/shadow`, t.adminToken)
    expect(res).toEqual({ status: 200, body: { model: null } })
  })
})

// ---- 3. likely mislabeled, per annotator ---------------------------------------------------

interface MislabeledBody {
  model: { id: string; version: number } | null
  items: {
    itemId: string
    externalId: string
    text: string | null
    given: string
    suggested: string
    selfConfidence: number
    annotator?: string
  }[]
}

describe('likely mislabeled per annotator', () => {
  const mislabeled = (query: string) =>
    call<MislabeledBody>('GET', `/api/projects/${corpus}/mislabeled?${query}`, reviewer.token)

  it("lists exactly the sloppy annotator's wrong labels, each with the right topic", async () => {
    const res = await mislabeled(`scope=annotator&annotator=${sloppy.id}&limit=1000`)
    expect(res.status).toBe(200)
    expect(res.body.model).toEqual({ id: trainedModel, version: 1 })
    const expected = [...FLIPPED].map((i) => ({
      itemId: String(corpusIds[i]),
      externalId: `t${i}`,
      text: itemText(i),
      given: wrongOf(i),
      suggested: topicOf(i),
      annotator: sloppy.id,
    }))
    const found = res.body.items.map(({ selfConfidence: _, ...rest }) => rest)
    expect(found.sort((p, q) => Number(p.itemId) - Number(q.itemId))).toEqual(expected)
    // The model is confident these labels are wrong.
    for (const item of res.body.items) expect(item.selfConfidence).toBeLessThan(0.2)
  })

  it('lists nothing for the careful annotator, who labelled the same items right', async () => {
    const res = await mislabeled(`scope=annotator&annotator=${careful.id}&limit=1000`)
    expect(res.status).toBe(200)
    expect(res.body.items).toEqual([])
  })

  it('without an annotator, lists every annotator and names who gave each label', async () => {
    const res = await mislabeled('scope=annotator&limit=1000')
    expect(res.body.items).toHaveLength(FLIPPED.size)
    expect(new Set(res.body.items.map((i) => i.annotator))).toEqual(new Set([sloppy.id]))
  })

  it('refuses an annotator who is not in the project, and an annotator without scope=annotator', async () => {
    const stranger = await mislabeled('scope=annotator&annotator=u_nobody')
    expect(stranger.status).toBe(404)
    expect(JSON.stringify(stranger.body)).toContain("no annotator 'u_nobody' in this project")
    const unscoped = await mislabeled(`annotator=${sloppy.id}`)
    expect(unscoped.status).toBe(400)
    expect(JSON.stringify(unscoped.body)).toContain('scope=annotator')
  })
})
