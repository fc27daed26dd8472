import type { Annotation } from '@concord/metrics'
import { insertItems } from '../repos/items'
import type { TestApp } from '../testing/test-app'

/** Monday 2025-01-06 and the Tuesday of that week and of the next one. */
export const WEEK1 = Date.UTC(2025, 0, 7, 12)
export const WEEK2 = Date.UTC(2025, 0, 14, 12)

/**
 * A project built so that agreement, consensus and hotspots are known by hand: labels a, b, c,
 * K = 3, annotators u0, u1, u2 (u3 an annotator without labels, rev a reviewer):
 *
 * | item | u0 | u1 | u2 | other |
 * | e1 | a | a | a (unsure) | week 1 |
 * | e2 | b | a | a | week 1 |
 * | e3 | a | b | c | week 1 |
 * | e4 | b | b | b | week 2, flagged by u0 and u1 |
 * | e5 | a | b | - | week 2 |
 * | e6 | c | c | b | week 2, adjudicated b |
 * | e7 | - | - | - | no labels |
 */
export const GRID: Record<string, (string | null)[]> = {
  e1: ['a', 'a', 'a'],
  e2: ['b', 'a', 'a'],
  e3: ['a', 'b', 'c'],
  e4: ['b', 'b', 'b'],
  e5: ['a', 'b', null],
  e6: ['c', 'c', 'b'],
  e7: [null, null, null],
}

export async function agreementFixture(t: TestApp) {
  const project = await t.project({ id: 'agr', overlap: 3 })
  await insertItems(
    t.ctx.db,
    project.id,
    Object.keys(GRID).map((e) => ({ externalId: e, text: `text of ${e}`, metadata: {} })),
    0,
  )
  const users = await t.users('u', 4)
  const rev = await t.user('rev')
  for (const u of users) await t.member(project, u, 'annotator')
  await t.member(project, rev, 'reviewer')
  const items = await t.ctx.db
    .selectFrom('items')
    .select(['id', 'external_id'])
    .where('project_id', '=', project.id)
    .execute()
  const id = Object.fromEntries(items.map((r) => [r.external_id, r.id]))
  const triples: Annotation[] = []
  for (const [ext, labels] of Object.entries(GRID)) {
    const week = ['e1', 'e2', 'e3'].includes(ext) ? WEEK1 : WEEK2
    for (let a = 0; a < labels.length; a++) {
      const value = labels[a]
      if (!value) continue
      const annotator = users[a]!.id
      await t.ctx.db
        .insertInto('annotations')
        .values({
          project_id: project.id,
          item_id: id[ext]!,
          annotator_id: annotator,
          value,
          unsure: ext === 'e1' && a === 2 ? 1 : 0,
          note: '',
          updated_at: week + a * 60_000,
        })
        .execute()
      triples.push({ item: String(id[ext]), annotator, value, at: week + a * 60_000 })
    }
  }
  for (const u of [users[0]!, users[1]!]) {
    await t.ctx.db
      .insertInto('item_flags')
      .values({
        project_id: project.id,
        item_id: id.e4!,
        user_id: u.id,
        note: '',
        created_at: WEEK2,
      })
      .execute()
  }
  await t.ctx.db
    .insertInto('adjudications')
    .values({
      project_id: project.id,
      item_id: id.e6!,
      label: 'b',
      rationale: 'guideline 3',
      decided_by: rev.id,
      decided_at: WEEK2,
      session_id: null,
    })
    .execute()
  return { project, users, rev, id, triples }
}
