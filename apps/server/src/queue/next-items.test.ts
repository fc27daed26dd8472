import { setLabel, type ProjectId, type UserId } from '@concord/core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { reserveItems } from '../repos/assignments'
import { insertItems } from '../repos/items'
import type { Item } from '../repos/items'
import { createLogDocWriter } from '../sync/log-doc-writer'
import { createMemoryLogger } from '../logger'
import { createTestApp, type TestApp } from '../testing/test-app'
import { nextItems } from './next-items'

const TTL = 30 * 60 * 1000

describe('nextItems', () => {
  let t: TestApp
  let project: ProjectId
  beforeEach(async () => {
    t = await createTestApp({
      options: { assignmentTtlMs: TTL },
      // The real writer, so labels reach `annotations` and `label_count` through the projection.
      docs: ({ database, clock }) =>
        createLogDocWriter(database.db, clock, createMemoryLogger(), database.durable),
    })
  })
  afterEach(() => t.close())

  async function setup(items: number, overlap: number): Promise<void> {
    project = (await t.project({ id: 'q', overlap })).id
    await insertItems(
      t.ctx.db,
      project,
      Array.from({ length: items }, (_, i) => ({
        externalId: `e${i}`,
        text: `t${i}`,
        metadata: {},
      })),
      t.clock.now(),
    )
  }

  /** An annotator labels items in their document; the sync projection does the rest. */
  async function label(annotator: UserId, items: readonly Item[]): Promise<void> {
    await t.ctx.docs.change(`labels/${project}/${annotator}`, (doc) => {
      for (const item of items) setLabel(doc, item.id, { value: 'a', at: t.clock.now() })
    })
  }

  /** Per item: labels plus unexpired reservations, i.e. annotators it is handed to. */
  async function takenSlots(): Promise<Map<number, number>> {
    const now = t.clock.now()
    const out = new Map<number, number>()
    const labels = await t.ctx.db.selectFrom('annotations').select('item_id').execute()
    const held = await t.ctx.db
      .selectFrom('assignments')
      .select('item_id')
      .where('expires_at', '>', now)
      .execute()
    for (const { item_id } of [...labels, ...held]) out.set(item_id, (out.get(item_id) ?? 0) + 1)
    return out
  }

  it('never hands an item to more than K annotators, under concurrent requests', async () => {
    await setup(50, 2)
    const annotators = await t.users('ann', 20)
    // 20 annotators x 3 concurrent calls of 10: 600 asks for 100 slots.
    const batches = await Promise.all(
      annotators.flatMap((a) =>
        [0, 1, 2].map(async () => ({ a: a.id, items: await nextItems(t.ctx, project, a.id, 10) })),
      ),
    )
    const slots = await takenSlots()
    expect(Math.max(...slots.values())).toBeLessThanOrEqual(2)
    expect([...slots.values()].reduce((s, n) => s + n, 0)).toBe(100)
    // Each annotator holds at most 10 items, and the same 10 on every call.
    for (const a of annotators) {
      const mine = batches.filter((b) => b.a === a.id).map((b) => b.items.map((i) => i.id).sort())
      expect(new Set(mine.map((m) => m.join())).size).toBe(1)
      expect(mine[0]!.length).toBeLessThanOrEqual(10)
    }

    // Some annotators label what they hold: label + reservation still never exceed K.
    for (const a of annotators.slice(0, 7)) {
      const held = await nextItems(t.ctx, project, a.id, 10)
      await label(a.id, held.slice(0, 6))
    }
    await Promise.all(annotators.map((a) => nextItems(t.ctx, project, a.id, 10)))
    expect(Math.max(...(await takenSlots()).values())).toBeLessThanOrEqual(2)

    // After expiry, the reserved but unlabelled slots are free again, labels still count.
    t.clock.advance(TTL)
    const late = await t.users('late', 4)
    const got = await Promise.all(late.map((a) => nextItems(t.ctx, project, a.id, 50)))
    const lateCount = got.reduce((s, g) => s + g.length, 0)
    const labels = (await t.ctx.db.selectFrom('annotations').selectAll().execute()).length
    expect(labels).toBe(42)
    expect(lateCount).toBe(100 - labels)
    const after = await takenSlots()
    expect(Math.max(...after.values())).toBeLessThanOrEqual(2)
  })

  it('concurrent HTTP queue calls respect K too', async () => {
    await setup(30, 3)
    const annotators = await t.users('h', 12)
    await Promise.all(annotators.map((a) => t.member({ id: project }, a, 'annotator')))
    const responses = await Promise.all(
      annotators.map((a) =>
        t.request('GET', `/api/projects/${project}/queue?limit=10`, { token: a.token }),
      ),
    )
    expect(responses.every((r) => r.status === 200)).toBe(true)
    const handed = responses.flatMap((r) => r.body.items.map((i: Item) => i.id))
    expect(handed).toHaveLength(90)
    const per = new Map<string, number>()
    for (const id of handed) per.set(id, (per.get(id) ?? 0) + 1)
    expect([...per.values()].every((n) => n === 3)).toBe(true)
    const bad = await t.request('GET', `/api/projects/${project}/queue?limit=101`, {
      token: annotators[0]!.token,
    })
    expect(bad.status).toBe(400)
  })

  it('an annotator who labelled an item never gets it again', async () => {
    await setup(5, 2)
    const [ana] = await t.users('ana', 1)
    const first = await nextItems(t.ctx, project, ana!.id, 3)
    expect(first.map((i) => i.externalId)).toEqual(['e0', 'e1', 'e2'])
    await label(ana!.id, first.slice(0, 2))
    const second = await nextItems(t.ctx, project, ana!.id, 5)
    // Own reservation first, then the rest; never the labelled ones.
    expect(second.map((i) => i.externalId)).toEqual(['e2', 'e3', 'e4'])
    t.clock.advance(TTL * 3)
    const third = await nextItems(t.ctx, project, ana!.id, 5)
    expect(third.map((i) => i.externalId)).toEqual(['e2', 'e3', 'e4'])
  })

  it('serves items closest to completion first', async () => {
    await setup(6, 3)
    const [a, b, c] = await t.users('x', 3)
    const all = await nextItems(t.ctx, project, a!.id, 6)
    await label(a!.id, [all[4]!, all[5]!])
    await label(b!.id, [all[5]!])
    t.clock.advance(TTL)
    const next = await nextItems(t.ctx, project, c!.id, 6)
    expect(next.map((i) => i.externalId)).toEqual(['e5', 'e4', 'e0', 'e1', 'e2', 'e3'])
  })

  it('is quick on 100,000 items', async () => {
    await setup(100_000, 2)
    const [holder1, holder2, ...annotators] = await t.users('big', 7)
    // The worst case for the scan: the first 20,000 items are fully reserved by two others, so
    // every call must step over them (with their subqueries) before it finds a free slot.
    const first = await t.ctx.db
      .selectFrom('items')
      .select('id')
      .orderBy('id')
      .limit(20_000)
      .execute()
    for (const holder of [holder1!, holder2!]) {
      await reserveItems(
        t.ctx.db,
        project,
        holder.id,
        first.map((r) => r.id),
        t.clock.now(),
        t.clock.now() + TTL,
      )
    }
    const times: number[] = []
    for (const a of annotators) {
      const started = performance.now()
      const items = await nextItems(t.ctx, project, a.id, 100)
      times.push(performance.now() - started)
      expect(items).toHaveLength(100)
      expect(Number(items[0]!.id)).toBeGreaterThan(first.at(-1)!.id)
    }
    console.log(
      `[queue] 100 items from 100,000 (20,000 fully reserved): ${times.map((ms) => ms.toFixed(1)).join(', ')} ms`,
    )
    expect(Math.max(...times)).toBeLessThan(1000)
  })
})
