import { setLabel, type ProjectId } from '@concord/core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createMemoryLogger } from '../logger'
import { ModelService } from '../models/model-service'
import { storePredictions } from '../models/model-repo'
import { insertItems, itemIdsOf } from '../repos/items'
import { createLogDocWriter } from '../sync/log-doc-writer'
import { createTestApp, type TestApp } from '../testing/test-app'
import { nextItems } from './next-items'

// Active-learning queue orders: the project's order decides which items come first, and the
// overlap rule (never more than K annotators per item) still holds.

let t: TestApp
let models: ModelService
let project: ProjectId
let ids: number[]

/** Class probabilities per item (labels a, b, c), chosen so each order ranks differently. */
const PROBA: number[][] = [
  [0.9, 0.05, 0.05], // confident
  [0.4, 0.35, 0.25], // least confident, small margin, high entropy
  [0.5, 0.5, 0.0], // zero margin, low entropy
  [0.6, 0.2, 0.2],
  [0.34, 0.33, 0.33], // the most uncertain by every measure
  [0.98, 0.01, 0.01],
]

beforeEach(async () => {
  t = await createTestApp({
    docs: ({ database, clock }) =>
      createLogDocWriter(database.db, clock, createMemoryLogger(), database.durable),
  })
  models = new ModelService(t.ctx)
  project = (await t.project({ id: 'al', overlap: 2 })).id
  await insertItems(
    t.ctx.db,
    project,
    PROBA.map((_, i) => ({ externalId: `e${i}`, text: `t${i}`, metadata: {} })),
    t.clock.now(),
  )
  ids = await itemIdsOf(t.ctx.db, project)
  await t.ctx.db
    .insertInto('models')
    .values({
      id: 'm_test',
      project_id: project,
      version: 1,
      kind: 'uploaded',
      name: 'test',
      manifest: JSON.stringify({ labels: ['a', 'b', 'c'] }),
      onnx: new Uint8Array(1),
      metrics: null,
      labels_count: 0,
      created_at: 0,
    })
    .execute()
  await storePredictions(
    t.ctx.db,
    project,
    'm_test',
    ids,
    Float32Array.from(PROBA.flat()),
    3,
    new Map(),
  )
})
afterEach(async () => {
  await models.close()
  await t.close()
})

async function queueOf(order: string, annotator = 'ann0'): Promise<string[]> {
  await models.updateSettings(project, { queueOrder: order as never })
  const user = await t.user(annotator)
  await t.member({ id: project }, user, 'annotator')
  return (await nextItems(t.ctx, project, user.id, PROBA.length)).map((i) => i.externalId)
}

describe('queue orders', () => {
  it.each([
    ['default', ['e0', 'e1', 'e2', 'e3', 'e4', 'e5']],
    ['least-confidence', ['e4', 'e1', 'e2', 'e3', 'e0', 'e5']],
    ['margin', ['e2', 'e4', 'e1', 'e3', 'e0', 'e5']],
    ['entropy', ['e4', 'e1', 'e3', 'e2', 'e0', 'e5']],
  ])('%s', async (order, expected) => {
    expect(await queueOf(order)).toEqual(expected)
  })

  it('random is a fixed shuffle per project', async () => {
    const first = await queueOf('random', 'r1')
    expect([...first].sort()).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'e5'])
    await t.ctx.db.deleteFrom('assignments').execute()
    expect(await queueOf('random', 'r2')).toEqual(first)
  })

  it('disagreement first puts disputed items ahead', async () => {
    const [x, y] = [await t.user('x'), await t.user('y')]
    for (const u of [x, y]) await t.member({ id: project }, u, 'annotator')
    // e3 gets two different labels; with K = 3 it still has a free slot.
    await t.ctx.db.updateTable('projects').set({ overlap: 3 }).where('id', '=', project).execute()
    await t.ctx.docs.change(`labels/${project}/${x.id}`, (doc) =>
      setLabel(doc, String(ids[3]), { value: 'a', at: 1 }),
    )
    await t.ctx.docs.change(`labels/${project}/${y.id}`, (doc) =>
      setLabel(doc, String(ids[3]), { value: 'b', at: 1 }),
    )
    expect((await queueOf('disagreement'))[0]).toBe('e3')
  })

  it('keeps the overlap rule: no item goes to more than K annotators', async () => {
    await models.updateSettings(project, { queueOrder: 'least-confidence' })
    const users = await t.users('w', 5)
    for (const u of users) await t.member({ id: project }, u, 'annotator')
    await Promise.all(users.map((u) => nextItems(t.ctx, project, u.id, 4)))
    const held = await t.ctx.db.selectFrom('assignments').select('item_id').execute()
    const per = new Map<number, number>()
    for (const { item_id } of held) per.set(item_id, (per.get(item_id) ?? 0) + 1)
    expect(Math.max(...per.values())).toBeLessThanOrEqual(2)
    // The most uncertain items were handed out first.
    expect(per.get(ids[4]!)).toBe(2)
    expect(per.get(ids[1]!)).toBe(2)
  })
})
