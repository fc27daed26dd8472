import { afterEach, describe, expect, it } from 'vitest'
import { agreementFixture } from '../../agreement/test-fixture'
import { createTestApp, type TestApp } from '../../testing/test-app'

let t: TestApp | undefined
afterEach(async () => {
  await t?.close()
  t = undefined
})

describe('GET /api/projects/:id/hotspots', () => {
  it('ranks items, label pairs and annotators in the order worked out by hand', async () => {
    t = await createTestApp()
    const { rev, id, users } = await agreementFixture(t)
    const res = await t.request('GET', '/api/projects/agr/hotspots', { token: rev.token })
    expect(res.status).toBe(200)
    const r = res.body
    // Normalised entropy (ln 3) + 0.2 per unsure mark + 0.2 per flag:
    // e3 a,b,c: 1; e5 a,b: ln 2 / ln 3; e2, e6 2-1: 0.5794 (tie: same ratings, lower id first);
    // e4 unanimous, flagged twice: 0.4; e1 unanimous, one unsure: 0.2.
    const h21 = -(2 / 3) * Math.log(2 / 3) - (1 / 3) * Math.log(1 / 3)
    expect(r.items.map((i: { externalId: string }) => i.externalId)).toEqual([
      'e3',
      'e5',
      'e2',
      'e6',
      'e4',
      'e1',
    ])
    const scores = r.items.map((i: { score: number }) => i.score)
    const expected = [1, Math.log(2) / Math.log(3), h21 / Math.log(3), h21 / Math.log(3), 0.4, 0.2]
    scores.forEach((s: number, i: number) => expect(s).toBeCloseTo(expected[i]!, 12))
    expect(r.items[0]).toEqual({
      itemId: String(id.e3),
      externalId: 'e3',
      text: 'text of e3',
      score: 1,
      reasons: ['3 labels from 3 annotators'],
      votes: { a: 1, b: 1, c: 1 },
    })
    expect(r.items.map((i: { reasons: string[] }) => i.reasons)).toEqual([
      ['3 labels from 3 annotators'],
      ['2 labels from 2 annotators'],
      ['2 labels from 3 annotators'],
      ['2 labels from 3 annotators'],
      ['flagged by 2'],
      ['1 marked unsure'],
    ])
    // Off-diagonal coincidences: a-b 2.5 (e2 1, e3 0.5, e5 1), b-c 1.5, a-c 0.5.
    const ex = (...es: string[]) => es.map((e) => ({ itemId: String(id[e]), externalId: e }))
    expect(r.labelPairs).toEqual([
      { a: 'a', b: 'b', count: 4, coincidences: 2.5, examples: ex('e2', 'e3', 'e5') },
      { a: 'b', b: 'c', count: 3, coincidences: 1.5, examples: ex('e3', 'e6') },
      { a: 'a', b: 'c', count: 1, coincidences: 0.5, examples: ex('e3') },
    ])
    // Against the consensus (e1 a, e2 a, e4 b, e6 b adjudicated): u0 misses e2 and e6,
    // u1 misses e6, u2 none.
    expect(r.annotators).toEqual([
      {
        id: users[0]!.id,
        name: 'u0',
        departure: 0.5,
        items: 4,
        confusion: {
          labels: ['a', 'b', 'c'],
          matrix: [
            [1, 0, 0],
            [1, 1, 0],
            [0, 1, 0],
          ],
        },
      },
      {
        id: users[1]!.id,
        name: 'u1',
        departure: 0.25,
        items: 4,
        confusion: {
          labels: ['a', 'b', 'c'],
          matrix: [
            [2, 0, 0],
            [0, 1, 0],
            [0, 1, 0],
          ],
        },
      },
      {
        id: users[2]!.id,
        name: 'u2',
        departure: 0,
        items: 4,
        confusion: {
          labels: ['a', 'b', 'c'],
          matrix: [
            [2, 0, 0],
            [0, 2, 0],
            [0, 0, 0],
          ],
        },
      },
    ])
  })

  it('limits the lists, follows new flags, and needs the reviewer role', async () => {
    t = await createTestApp()
    const { rev, users, id, project } = await agreementFixture(t)
    const top2 = await t.request('GET', '/api/projects/agr/hotspots?limit=2', { token: rev.token })
    expect(top2.body.items).toHaveLength(2)
    expect(top2.body.labelPairs).toHaveLength(2)
    // Three flags on unanimous e1 (0.2 unsure + 0.6) lift it above e2 and e6 (0.58).
    for (const u of [users[2]!, users[3]!, rev]) {
      await t.ctx.db
        .insertInto('item_flags')
        .values({ project_id: project.id, item_id: id.e1!, user_id: u.id, note: '', created_at: 0 })
        .execute()
    }
    const r = (await t.request('GET', '/api/projects/agr/hotspots', { token: rev.token })).body
    expect(r.items.map((i: { externalId: string }) => i.externalId)).toEqual([
      'e3',
      'e1',
      'e5',
      'e2',
      'e6',
      'e4',
    ])
    expect(r.items[1].reasons).toEqual(['1 marked unsure', 'flagged by 3'])
    const forbidden = await t.request('GET', '/api/projects/agr/hotspots', {
      token: users[0]!.token,
    })
    expect(forbidden.status).toBe(403)
  })
})
