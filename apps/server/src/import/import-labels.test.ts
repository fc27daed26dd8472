import { asProjectId, ImportError, readLabel, type ProjectId } from '@concord/core'
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
    const result = await importLabels(t.ctx, project, textOf(csv), { addMembers: true })
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
      message: "line 3: 'zed' is not a member of this project; add them to the project first",
    },
    {
      name: 'an account that is not a member',
      rows: ['e1,ana,a', 'e2,ben,a'],
      message: "line 3: 'ben' is not a member of this project; add them to the project first",
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
      await t.member({ id: project }, await t.user('ana'), 'annotator')
      await t.user('ben')
      const members = () => t.ctx.db.selectFrom('members').selectAll().execute()
      const before = await members()
      const err = await importError(
        importLabels(t.ctx, project, textOf(['item,annotator,label', ...rows].join('\n'))),
      )
      expect(err.message).toBe(message)
      expect(docs().changes).toEqual([])
      expect(await members()).toEqual(before)
    })
  }
})

describe('who a label import may attribute labels to', () => {
  let t: TestApp
  let owner: Awaited<ReturnType<TestApp['user']>>
  beforeEach(async () => {
    t = await createTestApp()
    // The project's admin is not a global administrator (the test app's admin created it).
    const project = await t.project({ id: 'lab' })
    owner = await t.user('owner')
    await t.member(project, owner, 'admin')
    // As in a project made with the CLI: the global administrator is not among its members.
    await t.ctx.db.deleteFrom('members').where('user_id', '=', t.admin.id).execute()
    await importItems(t.ctx, project.id, textOf('id,text\ne1,one\ne2,two\n'), 'csv')
  })
  afterEach(() => t.close())

  const post = (token: string, csv: string, query = '') =>
    t.request('POST', `/api/projects/lab/labels/import${query}`, { token, body: csv })
  const membersOf = async () =>
    (
      await t.ctx.db
        .selectFrom('members')
        .select(['user_id', 'role'])
        .where('project_id', '=', 'lab')
        .orderBy('user_id')
        .execute()
    ).map((m) => `${m.user_id}:${m.role}`)

  it("a project admin attributes labels to the project's members", async () => {
    const ana = await t.user('ana')
    await t.member({ id: asProjectId('lab') }, ana, 'annotator')
    const res = await post(owner.token, 'item,annotator,label\ne1,ana,a\ne2,owner,b\n')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ imported: 2, annotators: 2, membersAdded: 0 })
  })

  it('a project admin cannot attribute labels to the global admin, nor make them a member', async () => {
    const before = await membersOf()
    const res = await post(owner.token, `item,annotator,label\ne1,owner,a\ne2,${t.admin.id},b\n`)
    expect(res.status).toBe(422)
    expect(res.body.error.message).toBe(
      `line 3: '${t.admin.id}' is not a member of this project; add them to the project first`,
    )
    expect(await membersOf()).toEqual(before)
    expect(await t.ctx.db.selectFrom('doc_updates').selectAll().execute()).toEqual([])
  })

  it('an unknown username and a non-member get the same error: usernames do not leak', async () => {
    await t.user('outsider')
    const message = async (name: string) => {
      const res = await post(owner.token, `item,annotator,label\ne1,${name},a\n`)
      expect(res.status).toBe(422)
      return (res.body.error.message as string).replace(name, 'NAME')
    }
    expect(await message('outsider')).toBe(await message('nobody-at-all'))
  })

  it('only a global admin may add members through an import, and only when asking for it', async () => {
    await t.user('newbie')
    const csv = 'item,annotator,label\ne1,newbie,a\n'
    const before = await membersOf()
    const asOwner = await post(owner.token, csv, '?addMembers=true')
    expect(asOwner.status).toBe(403)
    expect(asOwner.body.error.message).toMatch(/only a global administrator may add members/)
    const implicit = await post(t.adminToken, csv)
    expect(implicit.status).toBe(422)
    expect(implicit.body.error.message).toMatch(/^line 2: 'newbie' is not a member/)
    expect(await membersOf()).toEqual(before)

    const explicit = await post(t.adminToken, csv, '?addMembers=true')
    expect(explicit.status).toBe(200)
    expect(explicit.body).toEqual({ imported: 1, annotators: 1, membersAdded: 1 })
    expect((await membersOf()).length).toBe(before.length + 1)
  })
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
      const res = await t.request('POST', '/api/projects/real/labels/import?addMembers=true', {
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
