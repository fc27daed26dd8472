import { ImportError, readLabel, type ProjectId } from '@concord/core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createLogDocWriter } from '../sync/log-doc-writer'
import type { createMemoryDocWriter } from '../testing/memory-doc-writer'
import { createTestApp, type TestApp } from '../testing/test-app'
import { importItems } from './import-items'
import { importLabels } from './import-labels'

async function* textOf(text: string): AsyncGenerator<string> {
  yield text
}

async function importError(run: Promise<unknown>): Promise<ImportError> {
  try {
    await run
  } catch (err) {
    if (err instanceof ImportError) return err
    throw err
  }
  throw new Error('expected an ImportError')
}

describe('importLabels', () => {
  let t: TestApp
  let project: ProjectId
  let ids: Map<string, string>
  beforeEach(async () => {
    t = await createTestApp()
    project = (await t.project({ id: 'lab' })).id
    await importItems(t.ctx, project, textOf('id,text\ne1,one\ne2,two\ne3,three\n'), 'csv')
    const rows = await t.ctx.db.selectFrom('items').select(['id', 'external_id']).execute()
    ids = new Map(rows.map((r) => [r.external_id, String(r.id)]))
  })
  afterEach(() => t.close())

  const docs = () => t.ctx.docs as ReturnType<typeof createMemoryDocWriter>

  it("writes each annotator's rows into their labels document, one change each", async () => {
    const [ana, ben] = await Promise.all([t.user('ana'), t.user('ben')])
    await t.member(await t.project({ id: 'other' }), ana, 'annotator')
    await t.member({ id: project }, ben, 'reviewer')
    const csv = [
      'item,annotator,label,unsure,note',
      'e1,ana,a,,',
      `e2,${ana.id},b,yes,"hard one, really"`,
      'e1,ben,c,0,',
    ].join('\n')
    const result = await importLabels(t.ctx, project, textOf(csv))
    expect(result).toEqual({ imported: 3, annotators: 2, membersAdded: 1 })
    expect(docs().changes.sort()).toEqual([`labels/lab/${ana.id}`, `labels/lab/${ben.id}`].sort())

    const anaDoc = docs().docs.get(`labels/lab/${ana.id}`)!
    expect(readLabel(anaDoc, ids.get('e1')!)).toEqual({
      ok: true,
      entry: { value: 'a', unsure: false, at: t.clock.now() },
    })
    expect(readLabel(anaDoc, ids.get('e2')!)).toEqual({
      ok: true,
      entry: { value: 'b', unsure: true, note: 'hard one, really', at: t.clock.now() },
    })
    const benDoc = docs().docs.get(`labels/lab/${ben.id}`)!
    expect(readLabel(benDoc, ids.get('e1')!)).toMatchObject({ ok: true, entry: { value: 'c' } })

    // ana was made an annotator; ben stays the reviewer he was.
    const members = await t.ctx.db
      .selectFrom('members')
      .select(['user_id', 'role'])
      .where('project_id', '=', project)
      .execute()
    expect(members).toEqual(
      expect.arrayContaining([
        { user_id: ana.id, role: 'annotator' },
        { user_id: ben.id, role: 'reviewer' },
      ]),
    )
    // Nothing is written to annotations directly: that is the sync projection's job.
    expect(await t.ctx.db.selectFrom('annotations').selectAll().execute()).toEqual([])
  })

  const bad: Array<{ name: string; rows: string[]; message: string }> = [
    {
      name: 'unknown item',
      rows: ['e1,ana,a', 'e9,ana,a'],
      message: "line 3: no item with id 'e9' in this project",
    },
    {
      name: 'unknown annotator',
      rows: ['e1,ana,a', 'e2,zed,a'],
      message: "line 3: no user with id or username 'zed'",
    },
    {
      name: 'label outside the schema',
      rows: ['e1,ana,a', 'e2,ana,z'],
      message: "line 3: 'z' is not a label; expected one of 'a', 'b', 'c'",
    },
    {
      name: 'two labels for one pair',
      rows: ['e1,ana,a', 'e2,ana,b', 'e1,ana,c'],
      message: "line 4: 'ana' already labels item 'e1' on line 2",
    },
  ]
  for (const { name, rows, message } of bad) {
    it(`refuses ${name} with the line, and writes nothing`, async () => {
      await t.user('ana')
      const err = await importError(
        importLabels(t.ctx, project, textOf(['item,annotator,label', ...rows].join('\n'))),
      )
      expect(err.message).toBe(message)
      expect(docs().changes).toEqual([])
      expect(
        await t.ctx.db.selectFrom('members').selectAll().where('role', '=', 'annotator').execute(),
      ).toEqual([])
    })
  }
})

describe('importLabels through the real sync writer', () => {
  it('the projection fills annotations and label counts from the imported labels', async () => {
    const t = await createTestApp({
      docs: ({ database, clock }) =>
        createLogDocWriter(
          database.db,
          clock,
          { info() {}, warn() {}, error() {} },
          database.durable,
        ),
    })
    try {
      const project = (await t.project({ id: 'real', overlap: 2 })).id
      await importItems(t.ctx, project, textOf('id,text\ne1,one\ne2,two\n'), 'csv')
      const [ana, ben] = await Promise.all([t.user('ana'), t.user('ben')])
      const res = await t.request('POST', '/api/projects/real/labels/import', {
        token: t.adminToken,
        body: 'item,annotator,label\ne1,ana,a\ne1,ben,b\ne2,ana,c\n',
      })
      expect(res.body).toEqual({ imported: 3, annotators: 2, membersAdded: 2 })
      const annotations = await t.ctx.db
        .selectFrom('annotations')
        .innerJoin('items', 'items.id', 'annotations.item_id')
        .select(['items.external_id', 'annotations.annotator_id', 'annotations.value'])
        .orderBy('items.external_id')
        .orderBy('annotations.value')
        .execute()
      expect(annotations).toEqual([
        { external_id: 'e1', annotator_id: ana.id, value: 'a' },
        { external_id: 'e1', annotator_id: ben.id, value: 'b' },
        { external_id: 'e2', annotator_id: ana.id, value: 'c' },
      ])
      const counts = await t.ctx.db
        .selectFrom('items')
        .select(['external_id', 'label_count'])
        .orderBy('external_id')
        .execute()
      expect(counts).toEqual([
        { external_id: 'e1', label_count: 2 },
        { external_id: 'e2', label_count: 1 },
      ])
      // The labels are Yjs data: the update log holds them.
      const logged = await t.ctx.db.selectFrom('doc_updates').select('doc').distinct().execute()
      expect(logged.map((r) => r.doc).sort()).toEqual(
        [`labels/real/${ana.id}`, `labels/real/${ben.id}`].sort(),
      )
    } finally {
      await t.close()
    }
  })
})
