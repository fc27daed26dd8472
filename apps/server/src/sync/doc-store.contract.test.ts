import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import SQLite from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { openDatabase, type OpenedDatabase } from '../db/open-database'
import { MemoryDocStore, type DocStore } from './doc-store'
import { InThreadLogFolder, type LogFolder } from './log-folder'
import { SqlDocStore } from './sql-doc-store'
import { WorkerLogFolder } from './worker-log-folder'

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

const cleanup: Array<() => Promise<void>> = []
afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()!()
})

/**
 * The store as the server builds it (raw handle for fast appends, logs folded in a worker), or
 * Kysely only, folding on the calling thread as the CLI does. `folder` wraps the default folder.
 */
async function sqlStore(
  path: 'server' | 'kysely' = 'server',
  folder?: (inner: LogFolder, db: OpenedDatabase) => LogFolder,
): Promise<{ store: SqlDocStore; db: OpenedDatabase }> {
  const file = join(mkdtempSync(join(tmpdir(), 'concord-store-')), 'concord.db')
  const db = await openDatabase(file)
  cleanup.push(() => db.close())
  let inner: LogFolder = new InThreadLogFolder(db.db)
  if (path === 'server') {
    const worker = new WorkerLogFolder(file, inner)
    cleanup.push(() => worker.stop())
    inner = worker
  }
  const store = new SqlDocStore(db.db, { now: () => 1000 }, db.durable, {
    ...(path === 'server' ? { sqlite: db.sqlite, flushSoon: db.durableSoon } : {}),
    folder: folder ? folder(inner, db) : inner,
  })
  return { store, db }
}

const implementations: Array<[string, () => Promise<DocStore>]> = [
  ['MemoryDocStore', () => Promise.resolve(new MemoryDocStore())],
  ['SqlDocStore', async () => (await sqlStore()).store],
  ['SqlDocStore, Kysely path only', async () => (await sqlStore('kysely')).store],
]

/** Commits each text as its own update, one log row each. */
async function appendTexts(store: DocStore, doc: Y.Doc, name: string, texts: string[]) {
  for (const text of texts) {
    await store.commit({ updates: [{ doc: name, update: textUpdate(doc, text) }], changes: [] })
  }
}

/** Appends a row the way a second process on the same file (the CLI) does. */
function appendFromOtherConnection(db: OpenedDatabase, doc: string, update: Uint8Array): void {
  const other = new SQLite(db.sqlite.name)
  try {
    const seq = other
      .prepare<[string], number>('select coalesce(max(seq), 0) + 1 from doc_updates where doc = ?')
      .pluck()
      .get(doc)!
    other
      .prepare('insert into doc_updates (doc, seq, "update", created_at) values (?, ?, ?, ?)')
      .run(doc, seq, update, 0)
  } finally {
    other.close()
  }
}

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
    })
    await store.commit({
      updates: [{ doc: 'booklet/a', update: textUpdate(a, 'three') }],
      changes: [],
    })
    expect(replay(await store.load('booklet/a'))).toBe('one two three')
    expect(await store.load('booklet/a')).toHaveLength(3)
    expect(replay(await store.load('booklet/b'))).toBe('x')
  })

  it('compaction folds the log into one update of the same document; appends follow it', async () => {
    const store = await make()
    const a = new Y.Doc()
    await appendTexts(store, a, 'booklet/a', ['a', 'b', 'c'])
    expect(await store.compact('booklet/a')).toEqual({ folded: 3 })
    expect(await store.load('booklet/a')).toHaveLength(1)
    await appendTexts(store, a, 'booklet/a', ['d'])
    expect(replay(await store.load('booklet/a'))).toBe('abcd')
    expect(await store.compact('booklet/a')).toEqual({ folded: 2 })
    expect(replay(await store.load('booklet/a'))).toBe('abcd')
  })

  it('compaction leaves an empty or one-row log alone', async () => {
    const store = await make()
    expect(await store.compact('booklet/none')).toEqual({ folded: 0 })
    await appendTexts(store, new Y.Doc(), 'booklet/one', ['x'])
    expect(await store.compact('booklet/one')).toEqual({ folded: 0 })
    expect(replay(await store.load('booklet/one'))).toBe('x')
  })

  it('compaction drops the content of deleted text, keeping the document', async () => {
    const store = await make()
    const a = new Y.Doc()
    await appendTexts(store, a, 'booklet/a', ['x'.repeat(10_000), 'kept'])
    const deletion = (() => {
      let update: Uint8Array | undefined
      a.once('update', (u: Uint8Array) => (update = u))
      a.getText('t').delete(0, 10_000)
      return update!
    })()
    await store.commit({ updates: [{ doc: 'booklet/a', update: deletion }], changes: [] })
    await store.compact('booklet/a')
    const [state] = await store.load('booklet/a')
    expect(replay([state!])).toBe('kept')
    expect(state!.byteLength).toBeLessThan(200)
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
    })
    release()
    await expect(failing).rejects.toThrow('rolled back')
    await append
    // Had the append joined the open transaction, the rollback would have taken it too.
    expect(replay(await store.load('booklet/a'))).toBe('kept')
    expect(await store.load('x')).toEqual([])
  })

  it("tells another connection's commits from its own, and reads rows back by sequence", async () => {
    const { store, db } = await sqlStore()
    const others = store.others!
    const doc = new Y.Doc()
    await appendTexts(store, doc, 'booklet/a', ['one ', 'two '])
    // Its own commits, and PASSIVE checkpoints on another connection (the checkpoint worker's),
    // are not another writer.
    const checkpointer = new SQLite(db.sqlite.name)
    expect(checkpointer.pragma('wal_checkpoint(PASSIVE)', { simple: true })).toBe(0)
    checkpointer.close()
    expect(others.changed()).toBe(false)
    expect(await others.lastSeq('booklet/a')).toBe(2)
    appendFromOtherConnection(db, 'booklet/a', textUpdate(doc, 'three'))
    expect([others.changed(), others.changed()]).toEqual([true, false])
    const rows = await others.rowsAfter('booklet/a', 2)
    expect(rows.map((r) => r.seq)).toEqual([3])
    expect(replay([...(await store.load('booklet/a')).slice(0, 2), rows[0]!.update])).toBe(
      'one two three',
    )
    expect([
      await others.lastSeq('booklet/none'),
      await others.rowsAfter('booklet/none', 0),
    ]).toEqual([0, []])
    // Without the raw handle (the CLI's store) there is nothing to watch with.
    expect((await sqlStore('kysely')).store.others).toBeUndefined()
  })

  it('says which sequence number each document reached, on the fast and the Kysely path', async () => {
    const { store, db } = await sqlStore()
    const a = new Y.Doc()
    const b = new Y.Doc()
    const fast = await store.commit({
      updates: [
        { doc: 'booklet/a', update: textUpdate(a, 'one ') },
        { doc: 'booklet/b', update: textUpdate(b, 'x') },
        { doc: 'booklet/a', update: textUpdate(a, 'two ') },
      ],
      changes: [],
    })
    expect(fast.lastSeqs).toEqual(
      new Map([
        ['booklet/a', 2],
        ['booklet/b', 1],
      ]),
    )
    appendFromOtherConnection(db, 'booklet/a', textUpdate(a, 'three '))
    // A projected change sends the commit down the Kysely path (the project does not exist).
    const projected = await store.commit({
      updates: [{ doc: 'booklet/a', update: textUpdate(a, 'four') }],
      changes: [{ kind: 'adjudication', project: 'nope', itemKey: 'i', entry: undefined }],
    })
    expect(projected.lastSeqs).toEqual(new Map([['booklet/a', 4]]))
    expect(replay(await store.load('booklet/a'))).toBe('one two three four')
  })

  it('appends after another writer of the same file (the CLI) appended to the log', async () => {
    const { store, db } = await sqlStore()
    const doc = new Y.Doc()
    const append = (text: string) =>
      store.commit({
        updates: [{ doc: 'booklet/a', update: textUpdate(doc, text) }],
        changes: [],
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

  it('fast appends follow a compaction written through the Kysely path', async () => {
    let held: Promise<void> | undefined
    const { store, db } = await sqlStore('server', (inner, db) => ({
      fold: async (name) => {
        const folded = await inner.fold(name)
        // A transaction open on the handle when the fold is back sends its write to Kysely.
        let opened!: () => void
        const isOpen = new Promise<void>((resolve) => (opened = resolve))
        held = db.db.transaction().execute(async () => {
          opened()
          await new Promise((resolve) => setTimeout(resolve, 20))
        })
        await isOpen
        expect(db.sqlite.inTransaction).toBe(true)
        return folded
      },
    }))
    const doc = new Y.Doc()
    await appendTexts(store, doc, 'booklet/a', ['a', 'b', 'c'])
    expect(await store.compact('booklet/a')).toEqual({ folded: 3 })
    await held
    await appendTexts(store, doc, 'booklet/a', ['d', 'e'])
    const log = await store.load('booklet/a')
    expect(log).toHaveLength(3)
    expect(replay(log)).toBe('abcde')
    expect(db.sqlite.inTransaction).toBe(false)
  })

  /** A store on `path` whose compactions run `between` after their fold, before their write. */
  async function interleaved(
    path: 'server' | 'kysely',
    between: (db: OpenedDatabase, doc: string) => Promise<void>,
  ) {
    const { store } = await sqlStore(path, (inner, db) => ({
      fold: async (name) => {
        const folded = await inner.fold(name)
        await between(db, name)
        return folded
      },
    }))
    return store
  }

  for (const path of ['server', 'kysely'] as const) {
    it(`keeps rows another writer appends while a compaction folds (${path} path)`, async () => {
      const doc = new Y.Doc()
      const store = await interleaved(path, async (db, name) =>
        appendFromOtherConnection(db, name, textUpdate(doc, ' from the CLI')),
      )
      await appendTexts(store, doc, 'booklet/a', ['one', ' two', ' three'])
      expect(await store.compact('booklet/a')).toEqual({ folded: 3 })
      const log = await store.load('booklet/a')
      expect(log).toHaveLength(2)
      expect(replay(log)).toBe('one two three from the CLI')
    })

    it(`writes nothing when another writer compacted the same rows first (${path} path)`, async () => {
      const doc = new Y.Doc()
      const store = await interleaved(path, async (db, name) => {
        // The CLI compacts the log and appends after it.
        await new SqlDocStore(db.db, { now: () => 0 }, db.durable).compact(name)
        appendFromOtherConnection(db, name, textUpdate(doc, ' four'))
      })
      await appendTexts(store, doc, 'booklet/a', ['one', ' two', ' three'])
      expect(await store.compact('booklet/a')).toEqual({ folded: 0 })
      const log = await store.load('booklet/a')
      expect(log).toHaveLength(2)
      expect(replay(log)).toBe('one two three four')
    })
  }

  it('folds on the calling thread once the fold worker has stopped', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'concord-store-')), 'concord.db')
    const db = await openDatabase(file)
    cleanup.push(() => db.close())
    const worker = new WorkerLogFolder(file, new InThreadLogFolder(db.db))
    const store = new SqlDocStore(db.db, { now: () => 0 }, db.durable, { folder: worker })
    const doc = new Y.Doc()
    await appendTexts(store, doc, 'booklet/a', ['a', 'b'])
    expect(await store.compact('booklet/a')).toEqual({ folded: 2 })
    await worker.stop()
    await appendTexts(store, doc, 'booklet/a', ['c'])
    expect(await store.compact('booklet/a')).toEqual({ folded: 2 })
    expect(replay(await store.load('booklet/a'))).toBe('abc')
  })

  it('commits without waiting for the disk; durable() waits for the database flush', async () => {
    const { db } = await sqlStore()
    let release: () => void = () => {}
    const gate = new Promise<void>((r) => (release = r))
    const store = new SqlDocStore(db.db, { now: () => 1000 }, () => gate)
    const update = textUpdate(new Y.Doc(), 'x')
    await store.commit({ updates: [{ doc: 'd', update }], changes: [] })
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
    })
    const row = await db.db
      .selectFrom('annotations')
      .select('booklet_version')
      .executeTakeFirstOrThrow()
    expect(row.booklet_version).toBe(3)
  })
})
