import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import SQLite from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { openDatabase, type OpenedDatabase } from '../db/open-database'
import { MemoryDocStore, type DocStore } from './doc-store'
import { SqlDocStore } from './sql-doc-store'

function textUpdate(doc: Y.Doc, text: string): Uint8Array {
  let update: Uint8Array | undefined
  const onUpdate = (u: Uint8Array) => (update = u)
  doc.on('update', onUpdate)
  doc.getText('t').insert(doc.getText('t').length, text)
  doc.off('update', onUpdate)
  return update!
}

function replay(updates: Uint8Array[]): string {
  const doc = new Y.Doc()
  for (const u of updates) Y.applyUpdate(doc, u)
  return doc.getText('t').toString()
}

const opened: OpenedDatabase[] = []
afterEach(async () => {
  while (opened.length > 0) await opened.pop()!.close()
})

/** The store as the server builds it, with the raw handle (fast appends), or Kysely only. */
async function sqlStore(appender = true): Promise<{ store: SqlDocStore; db: OpenedDatabase }> {
  const db = await openDatabase(join(mkdtempSync(join(tmpdir(), 'concord-store-')), 'concord.db'))
  opened.push(db)
  const store = new SqlDocStore(
    db.db,
    { now: () => 1000 },
    db.durable,
    appender ? { sqlite: db.sqlite, flushSoon: db.durableSoon } : {},
  )
  return { store, db }
}

const implementations: Array<[string, () => Promise<DocStore>]> = [
  ['MemoryDocStore', () => Promise.resolve(new MemoryDocStore())],
  ['SqlDocStore', async () => (await sqlStore()).store],
  ['SqlDocStore, Kysely path only', async () => (await sqlStore(false)).store],
]

describe.each(implementations)('DocStore contract: %s', (_name, make) => {
  it('loads nothing for a new document', async () => {
    expect(await (await make()).load('booklet/x')).toEqual([])
  })

  it('keeps each document log in commit order', async () => {
    const store = await make()
    const a = new Y.Doc()
    const b = new Y.Doc()
    await store.commit({
      updates: [
        { doc: 'booklet/a', update: textUpdate(a, 'one ') },
        { doc: 'booklet/b', update: textUpdate(b, 'x') },
        { doc: 'booklet/a', update: textUpdate(a, 'two ') },
      ],
      changes: [],
      compactions: [],
    })
    await store.commit({
      updates: [{ doc: 'booklet/a', update: textUpdate(a, 'three') }],
      changes: [],
      compactions: [],
    })
    expect(replay(await store.load('booklet/a'))).toBe('one two three')
    expect(await store.load('booklet/a')).toHaveLength(3)
    expect(replay(await store.load('booklet/b'))).toBe('x')
  })

  it('compaction replaces the log by one state, and appends continue after it', async () => {
    const store = await make()
    const a = new Y.Doc()
    const updates = ['a', 'b', 'c'].map((s) => ({ doc: 'booklet/a', update: textUpdate(a, s) }))
    await store.commit({
      updates,
      changes: [],
      compactions: [{ doc: 'booklet/a', state: Y.encodeStateAsUpdate(a) }],
    })
    expect(await store.load('booklet/a')).toHaveLength(1)
    await store.commit({
      updates: [{ doc: 'booklet/a', update: textUpdate(a, 'd') }],
      changes: [],
      compactions: [],
    })
    expect(replay(await store.load('booklet/a'))).toBe('abcd')
  })
})

describe('SqlDocStore only', () => {
  async function withProject() {
    const { store, db } = await sqlStore()
    await db.db
      .insertInto('projects')
      .values({
        id: 'p',
        name: 'P',
        description: '',
        label_schema: JSON.stringify({
          kind: 'single',
          ordered: false,
          labels: [
            { id: 'yes', name: 'Yes' },
            { id: 'no', name: 'No' },
          ],
        }),
        overlap: 2,
        blind: 1,
        annotators_edit_booklet: 0,
        created_at: 0,
        updated_at: 0,
      })
      .execute()
    const item = await db.db
      .insertInto('items')
      .values({
        project_id: 'p',
        external_id: 'e1',
        text: 't',
        media_url: null,
        metadata: '{}',
        created_at: 0,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    return { store, db, itemKey: String(item.id) }
  }

  it('an append never lands inside a Kysely transaction that is open on the connection', async () => {
    const { store, db } = await sqlStore()
    const doc = new Y.Doc()
    let release!: () => void
    let opened!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const isOpen = new Promise<void>((resolve) => (opened = resolve))
    // A transaction that awaits between its statements, as a bulk write does, then fails.
    const failing = db.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('doc_updates')
        .values({ doc: 'x', seq: 1, update: new Uint8Array([0]), created_at: 0 })
        .execute()
      opened()
      await gate
      throw new Error('rolled back')
    })
    await isOpen
    expect(db.sqlite.inTransaction).toBe(true)
    const append = store.commit({
      updates: [{ doc: 'booklet/a', update: textUpdate(doc, 'kept') }],
      changes: [],
      compactions: [],
    })
    release()
    await expect(failing).rejects.toThrow('rolled back')
    await append
    // Had the append joined the open transaction, the rollback would have taken it too.
    expect(replay(await store.load('booklet/a'))).toBe('kept')
    expect(await store.load('x')).toEqual([])
  })

  it('appends after another writer of the same file (the CLI) appended to the log', async () => {
    const { store, db } = await sqlStore()
    const doc = new Y.Doc()
    const append = (text: string) =>
      store.commit({
        updates: [{ doc: 'booklet/a', update: textUpdate(doc, text) }],
        changes: [],
        compactions: [],
      })
    await append('one ')
    // A second connection, as an offline tool holds, appends behind the store's back.
    const other = new SQLite(db.sqlite.name)
    try {
      other
        .prepare('insert into doc_updates (doc, seq, "update", created_at) values (?, ?, ?, ?)')
        .run('booklet/a', 2, textUpdate(doc, 'two '), 0)
    } finally {
      other.close()
    }
    await append('three ')
    await append('four')
    const log = await store.load('booklet/a')
    expect(log).toHaveLength(4)
    expect(replay(log)).toBe('one two three four')
    const seqs = db.sqlite
      .prepare<[], { seq: number }>(
        "select seq from doc_updates where doc = 'booklet/a' order by seq",
      )
      .all()
      .map((r) => r.seq)
    expect(seqs).toEqual([1, 2, 3, 4])
  })

  it('fast appends follow a compaction made through the Kysely path', async () => {
    const { store } = await sqlStore()
    const doc = new Y.Doc()
    const update = (text: string) => ({ doc: 'booklet/a', update: textUpdate(doc, text) })
    for (const text of ['a', 'b', 'c']) {
      await store.commit({ updates: [update(text)], changes: [], compactions: [] })
    }
    await store.commit({
      updates: [update('d')],
      changes: [],
      compactions: [{ doc: 'booklet/a', state: Y.encodeStateAsUpdate(doc) }],
    })
    await store.commit({ updates: [update('e')], changes: [], compactions: [] })
    await store.commit({ updates: [update('f')], changes: [], compactions: [] })
    const log = await store.load('booklet/a')
    expect(log).toHaveLength(3)
    expect(replay(log)).toBe('abcdef')
  })

  it('commits without waiting for the disk; durable() waits for the database flush', async () => {
    const { db } = await sqlStore()
    let release: () => void = () => {}
    const gate = new Promise<void>((r) => (release = r))
    const store = new SqlDocStore(db.db, { now: () => 1000 }, () => gate)
    const update = textUpdate(new Y.Doc(), 'x')
    await store.commit({ updates: [{ doc: 'd', update }], changes: [], compactions: [] })
    expect(await store.load('d')).toHaveLength(1)
    let flushed = false
    const durable = store.durable().then(() => (flushed = true))
    await new Promise((r) => setTimeout(r, 20))
    expect(flushed).toBe(false)
    release()
    await durable
    expect(flushed).toBe(true)
  })

  it('projects valid labels, rejects the rest with a reason, and counts labels per item', async () => {
    const { store, db, itemKey } = await withProject()
    const result = await store.commit({
      updates: [],
      changes: [
        { kind: 'label', project: 'p', annotator: 'u1', itemKey, entry: { value: 'yes', at: 5 } },
        { kind: 'label', project: 'p', annotator: 'u2', itemKey, entry: { value: 'maybe', at: 5 } },
        {
          kind: 'label',
          project: 'p',
          annotator: 'u3',
          itemKey: '4242',
          entry: { value: 'no', at: 5 },
        },
        { kind: 'label', project: 'p', annotator: 'u4', itemKey, entry: { wrong: true } },
      ],
      compactions: [],
    })
    expect(
      result.rejected.map((r) => (r.change.kind === 'label' ? r.change.annotator : '')),
    ).toEqual(['u2', 'u3', 'u4'])
    expect(result.rejected[0]!.reason).toMatch(/'maybe' is not a label/)
    expect(result.rejected[1]!.reason).toMatch(/not an item of project/)
    const rows = await db.db.selectFrom('annotations').selectAll().execute()
    expect(rows.map((r) => [r.annotator_id, r.value])).toEqual([['u1', 'yes']])
    const item = await db.db.selectFrom('items').select('label_count').executeTakeFirstOrThrow()
    expect(item.label_count).toBe(1)
    // Deleting the entry removes the row and the count.
    await store.commit({
      updates: [],
      changes: [{ kind: 'label', project: 'p', annotator: 'u1', itemKey, entry: undefined }],
      compactions: [],
    })
    expect(await db.db.selectFrom('annotations').selectAll().execute()).toEqual([])
    expect(
      (await db.db.selectFrom('items').select('label_count').executeTakeFirstOrThrow()).label_count,
    ).toBe(0)
  })

  it('a batch is atomic: when the projection fails, no update of the batch is stored', async () => {
    const { store, db, itemKey } = await withProject()
    await db.db.updateTable('projects').set({ label_schema: '{not json' }).execute()
    const doc = new Y.Doc()
    await expect(
      store.commit({
        updates: [{ doc: 'labels/p/u1', update: textUpdate(doc, 'x') }],
        changes: [
          { kind: 'label', project: 'p', annotator: 'u1', itemKey, entry: { value: 'yes', at: 1 } },
        ],
        compactions: [],
      }),
    ).rejects.toThrow()
    expect(await store.load('labels/p/u1')).toEqual([])
  })

  it('projects adjudications of items in the schema, rejects the rest, removes deleted ones', async () => {
    const { store, db, itemKey } = await withProject()
    const result = await store.commit({
      updates: [],
      changes: [
        {
          kind: 'adjudication',
          project: 'p',
          itemKey,
          entry: { label: 'no', rationale: 'see rule 2', by: 'r1', at: 7 },
        },
        {
          kind: 'adjudication',
          project: 'p',
          itemKey: '4242',
          entry: { label: 'no', by: 'r1', at: 7 },
        },
        {
          kind: 'adjudication',
          project: 'p',
          itemKey,
          entry: { label: 'perhaps', by: 'r1', at: 8 },
        },
      ],
      compactions: [],
    })
    // The last write for the item is invalid: the row goes, and both bad changes are reported.
    expect(result.rejected.map((r) => r.reason)).toEqual([
      expect.stringMatching(/not an item of project/),
      expect.stringMatching(/'perhaps' is not a label/),
    ])
    expect(await db.db.selectFrom('adjudications').selectAll().execute()).toEqual([])
    await store.commit({
      updates: [],
      changes: [
        {
          kind: 'adjudication',
          project: 'p',
          itemKey,
          entry: { label: 'yes', rationale: 'r', by: 'r1', at: 9, session: 's1' },
        },
      ],
      compactions: [],
    })
    expect(await db.db.selectFrom('adjudications').selectAll().execute()).toEqual([
      {
        project_id: 'p',
        item_id: Number(itemKey),
        label: 'yes',
        rationale: 'r',
        decided_by: 'r1',
        decided_at: 9,
        session_id: 's1',
      },
    ])
    await store.commit({
      updates: [],
      changes: [{ kind: 'adjudication', project: 'p', itemKey, entry: undefined }],
      compactions: [],
    })
    expect(await db.db.selectFrom('adjudications').selectAll().execute()).toEqual([])
  })

  it('records the booklet version a label was made under', async () => {
    const { store, db, itemKey } = await withProject()
    await store.commit({
      updates: [],
      changes: [
        {
          kind: 'label',
          project: 'p',
          annotator: 'u1',
          itemKey,
          entry: { value: 'yes', at: 1, bookletVersion: 3 },
        },
      ],
      compactions: [],
    })
    const row = await db.db
      .selectFrom('annotations')
      .select('booklet_version')
      .executeTakeFirstOrThrow()
    expect(row.booklet_version).toBe(3)
  })
})
