import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { describe, expect, it } from 'vitest'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import { createMemoryLogger } from '../logger'
import { halfApplyingUpdate } from '../testing/half-applying-update'
import { CloseCode } from './close-codes'
import {
  MemoryDocStore,
  type CommitBatch,
  type CommitResult,
  type LogWatch,
  type ProjectedChange,
} from './doc-store'
import { decodeNotice, MessageType } from './protocol'
import { SyncServer, type Connection, type ConnectionInfo, type Timers } from './sync-server'

class ManualTimers implements Timers {
  private next = 1
  readonly pending = new Map<number, () => void>()
  setTimeout(fn: () => void): unknown {
    const id = this.next++
    this.pending.set(id, fn)
    return id
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number)
  }
  fireAll(): void {
    const fns = [...this.pending.values()]
    this.pending.clear()
    for (const fn of fns) fn()
  }
}

/** A store whose compactions wait for `open()`, or fail with `fail`. */
class GatedCompactionStore extends MemoryDocStore {
  compactions = 0
  fail: Error | undefined
  private gate = Promise.resolve()
  private release = (): void => undefined

  close(): void {
    this.gate = new Promise((resolve) => (this.release = resolve))
  }

  open(): void {
    this.release()
  }

  override async compact(doc: string): Promise<{ folded: number }> {
    this.compactions++
    await this.gate
    if (this.fail) throw this.fail
    return super.compact(doc)
  }
}

/**
 * A log another writer appends to: `appendElsewhere` stands for the CLI; rows are numbered by
 * position (no compaction here), and `failReads` makes the next reads fail.
 */
class WatchedStore extends GatedCompactionStore {
  reads = 0
  /** Rows handed out by rowsAfter. */
  rowsRead = 0
  failReads = 0
  private elsewhere = false

  override async commit(batch: CommitBatch): Promise<CommitResult> {
    const result = await super.commit(batch)
    const lastSeqs = new Map(batch.updates.map(({ doc }) => [doc, this.logs.get(doc)!.length]))
    return { ...result, lastSeqs }
  }

  appendElsewhere(doc: string, update: Uint8Array): void {
    this.logs.set(doc, [...(this.logs.get(doc) ?? []), update])
    this.elsewhere = true
  }

  readonly others: LogWatch = {
    changed: () => {
      const changed = this.elsewhere
      this.elsewhere = false
      return changed
    },
    lastSeq: (doc) => Promise.resolve(this.logs.get(doc)?.length ?? 0),
    rowsAfter: (doc, seq) => {
      this.reads++
      if (this.failReads > 0) {
        this.failReads--
        return Promise.reject(new Error('disk I/O error'))
      }
      const log = this.logs.get(doc) ?? []
      this.rowsRead += Math.max(0, log.length - seq)
      return Promise.resolve(log.slice(seq).map((update, i) => ({ seq: seq + i + 1, update })))
    },
  }
}

function setup(compactAfterUpdates = 500, compactBusyAfterUpdates = 4000, watchOthersMs?: number) {
  const store = new WatchedStore()
  const timers = new ManualTimers()
  const log = createMemoryLogger()
  const activity = { frames: 0 }
  const clock = { ms: 0, now: () => clock.ms }
  const server = new SyncServer({
    onActivity: () => activity.frames++,
    store,
    clock,
    log,
    schedule: (fn) => setImmediate(fn),
    timers,
    idleUnloadMs: 1000,
    compactAfterUpdates,
    compactQuietMs: 1000,
    compactBusyAfterUpdates,
    socketMessagesPerSecond: 1e9,
    socketMessageBurst: 1e9,
    ...(watchOthersMs !== undefined && { watchOthersMs }),
  })
  return { store, timers, log, server, activity, clock }
}

function peer(server: SyncServer, info: ConnectionInfo) {
  const sent: Uint8Array[] = []
  const closes: number[] = []
  const conn = server.connect({ send: (f) => sent.push(f), close: (c) => closes.push(c) }, info)
  return { conn, sent, closes }
}

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r))
}

function updateFrame(mutate: (doc: Y.Doc) => void): Uint8Array {
  const doc = new Y.Doc()
  mutate(doc)
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 0)
  syncProtocol.writeUpdate(e, Y.encodeStateAsUpdate(doc))
  return encoding.toUint8Array(e)
}

/** A peer's edit inserting `text` into the text type of that name, then its commit. */
async function edit(conn: Connection, text: string): Promise<void> {
  conn.receive(updateFrame((d) => d.getText(text).insert(0, text)))
  await settle()
}

/** Fires every pending timer (quiet checks, idle unloads) and lets what they start run. */
async function fireTimers(timers: ManualTimers): Promise<void> {
  timers.fireAll()
  await settle()
}

describe('SyncServer', () => {
  it('persists an update before broadcasting it, and not back to its sender', async () => {
    const { server, store } = setup()
    const a = peer(server, { room: 'booklet/p', access: 'write', user: 'a' })
    const b = peer(server, { room: 'booklet/p', access: 'write', user: 'b' })
    await settle()
    const before = { a: a.sent.length, b: b.sent.length }
    a.conn.receive(updateFrame((d) => d.getText('t').insert(0, 'hello')))
    // Not yet committed: nothing broadcast.
    expect(b.sent.length).toBe(before.b)
    await settle()
    expect(store.logs.get('booklet/p')).toHaveLength(1)
    expect(b.sent.length).toBe(before.b + 1)
    expect(a.sent.length).toBe(before.a)
  })

  it('reports every frame a peer sends as activity (model work gives way to it)', async () => {
    const { server, activity } = setup()
    const a = peer(server, { room: 'booklet/p', access: 'read', user: 'a' })
    await settle()
    expect(activity.frames).toBe(0)
    a.conn.receive(updateFrame((d) => d.getText('t').insert(0, 'x')))
    a.conn.receive(new Uint8Array([MessageType.queryAwareness]))
    expect(activity.frames).toBe(2)
  })

  it('refuses updates from a read-only peer with a permission-denied message', async () => {
    const { server, store } = setup()
    const r = peer(server, { room: 'booklet/p', access: 'read', user: 'r' })
    await settle()
    r.conn.receive(updateFrame((d) => d.getText('t').insert(0, 'nope')))
    await settle()
    expect(store.logs.get('booklet/p')).toBeUndefined()
    expect(r.sent.at(-1)?.[0]).toBe(MessageType.auth)
    expect(await server.read('booklet/p', (d) => d.getText('t').toString())).toBe('')
  })

  it('closes a connection that sends a malformed frame, and applies nothing', async () => {
    const { server, store } = setup()
    const a = peer(server, { room: 'booklet/p', access: 'write', user: 'a' })
    await settle()
    const frame = updateFrame((d) => d.getText('t').insert(0, 'hello'))
    a.conn.receive(frame.slice(0, frame.length - 3))
    await settle()
    expect(a.closes).toEqual([CloseCode.malformed])
    expect(store.logs.get('booklet/p')).toBeUndefined()
  })

  it('unloads an idle room and reloads it from the log on demand', async () => {
    const { server, timers } = setup()
    const a = peer(server, { room: 'booklet/p', access: 'write', user: 'a' })
    await settle()
    a.conn.receive(updateFrame((d) => d.getText('t').insert(0, 'kept')))
    await settle()
    expect(server.loadedRooms).toBe(1)
    a.conn.close()
    timers.fireAll()
    expect(server.loadedRooms).toBe(0)
    expect(await server.read('booklet/p', (d) => d.getText('t').toString())).toBe('kept')
  })

  it('on a failed commit, evicts the room, closes its peers with 1011, keeps the disk truth', async () => {
    const { server, store, log } = setup()
    const a = peer(server, { room: 'booklet/p', access: 'write', user: 'a' })
    const b = peer(server, { room: 'booklet/p', access: 'write', user: 'b' })
    await settle()
    const bBefore = b.sent.length
    store.failNext = new Error('disk full')
    a.conn.receive(updateFrame((d) => d.getText('t').insert(0, 'lost?')))
    await settle()
    expect(a.closes).toEqual([CloseCode.internalError])
    expect(b.closes).toEqual([CloseCode.internalError])
    expect(b.sent.length).toBe(bBefore)
    expect(log.lines.some((l) => l.includes('commit failed'))).toBe(true)
    expect(await server.read('booklet/p', (d) => d.getText('t').toString())).toBe('')
  })

  it('applies one turn of several peers in one transaction: one row, one frame, no early view', async () => {
    const { server, store } = setup()
    const a = peer(server, { room: 'booklet/p', access: 'write', user: 'a' })
    const b = peer(server, { room: 'booklet/p', access: 'write', user: 'b' })
    const r = peer(server, { room: 'booklet/p', access: 'read', user: 'r' })
    await settle()
    const updatesTo = (p: { sent: Uint8Array[] }) =>
      p.sent.filter((f) => f[0] === 0 && f[1] === 2).length
    a.conn.receive(updateFrame((d) => d.getMap('m').set('a', 1)))
    b.conn.receive(updateFrame((d) => d.getMap('m').set('b', 2)))
    // Nothing is applied before the commit that stores it.
    expect(await server.read('booklet/p', (d) => d.getMap('m').size)).toBe(0)
    await settle()
    expect(store.commits).toBe(1)
    expect(store.logs.get('booklet/p')).toHaveLength(1)
    const stored = new Y.Doc()
    Y.applyUpdate(stored, store.logs.get('booklet/p')![0]!)
    expect(stored.getMap('m').toJSON()).toEqual({ a: 1, b: 2 })
    // Each peer gets the batch as one frame; the writers too, since it holds the other's edit.
    expect([updatesTo(a), updatesTo(b), updatesTo(r)]).toEqual([1, 1, 1])
  })

  it('sends a projection notice to the peer whose update wrote the rejected entry', async () => {
    const { server, store } = setup()
    const commit = store.commit.bind(store)
    // A store that keeps 'bad' values out of the projection, as SqlDocStore does with values
    // outside the label schema.
    store.commit = async (batch) => {
      await commit(batch)
      const rejected = batch.changes
        .filter((c) => (c.entry as { value?: unknown } | undefined)?.value === 'bad')
        .map((change) => ({ change, reason: 'not in the schema' }))
      return { rejected }
    }
    const room = 'labels/p/u1'
    const tab1 = peer(server, { room, access: 'write', user: 'u1' })
    const tab2 = peer(server, { room, access: 'write', user: 'u1' })
    await settle()
    tab1.conn.receive(updateFrame((d) => d.getMap('labels').set('7', { value: 'bad' })))
    tab2.conn.receive(updateFrame((d) => d.getMap('labels').set('8', { value: 'ok' })))
    await settle()
    const notices = (p: { sent: Uint8Array[] }) =>
      p.sent.filter((f) => f[0] === MessageType.notice).map((f) => decodeNotice(f)?.item)
    expect(notices(tab1)).toEqual(['7'])
    expect(notices(tab2)).toEqual([])
  })

  it('an update that throws half-way in Yjs changes nothing; the rest of its turn lands', async () => {
    const { server, store } = setup()
    const committed: ProjectedChange[][] = []
    const commit = store.commit.bind(store)
    store.commit = (batch) => {
      committed.push([...batch.changes])
      return commit(batch)
    }
    const room = 'labels/p/u1'
    const hostile = peer(server, { room, access: 'write', user: 'u1' })
    const tab = peer(server, { room, access: 'write', user: 'u1' })
    const reader = peer(server, { room, access: 'read', user: 'r' })
    await settle()
    tab.conn.receive(updateFrame((d) => d.getMap('labels').set('1', { value: 'pos' })))
    await settle()
    const framesBefore = reader.sent.length
    committed.length = 0

    // One turn: a server change, a valid update, the hostile one, another valid one.
    const serverChange = server.change(room, (d) => d.getMap('meta').set('by', 'server'))
    await Promise.resolve()
    tab.conn.receive(updateFrame((d) => d.getMap('labels').set('2', { value: 'neg' })))
    const e = encoding.createEncoder()
    encoding.writeVarUint(e, 0)
    syncProtocol.writeUpdate(
      e,
      halfApplyingUpdate({ client: 4242, root: 'labels', key: '9', entry: { value: 'hacked' } }),
    )
    hostile.conn.receive(encoding.toUint8Array(e))
    tab.conn.receive(updateFrame((d) => d.getMap('labels').set('3', { value: 'pos' })))
    await serverChange
    await settle()

    expect(hostile.closes).toEqual([CloseCode.malformed])
    expect(tab.closes).toEqual([])
    const want = { '1': { value: 'pos' }, '2': { value: 'neg' }, '3': { value: 'pos' } }
    // The log on "disk", the server's document and what a reader was sent: the same, clean.
    const stored = new Y.Doc()
    for (const row of store.logs.get(room)!) Y.applyUpdate(stored, row)
    expect(stored.getMap('labels').toJSON()).toEqual(want)
    expect(stored.getMap('meta').toJSON()).toEqual({ by: 'server' })
    expect(Y.decodeStateVector(Y.encodeStateVector(stored)).has(4242)).toBe(false)
    const live = await server.read(room, (d) => ({
      labels: d.getMap('labels').toJSON(),
      sv: Y.encodeStateVector(d),
    }))
    expect(live.labels).toEqual(want)
    expect(live.sv).toEqual(Y.encodeStateVector(stored))
    const seen = new Y.Doc()
    for (const row of store.logs.get(room)!.slice(0, 1)) Y.applyUpdate(seen, row)
    for (const frame of reader.sent.slice(framesBefore)) {
      const d = decoding.createDecoder(frame)
      if (decoding.readVarUint(d) !== 0 || decoding.readVarUint(d) !== 2) continue
      Y.applyUpdate(seen, decoding.readVarUint8Array(d))
    }
    expect(seen.getMap('labels').toJSON()).toEqual(want)
    // The projection was told of the valid keys only, with their clean values.
    const projected = committed.flat().map((c) => [c.itemKey, c.entry])
    expect(projected).toEqual(
      expect.arrayContaining([
        ['2', { value: 'neg' }],
        ['3', { value: 'pos' }],
      ]),
    )
    expect(projected.filter(([key]) => key === '9')).toEqual([])
  })

  it('a rollback after hundreds of commits (history folded) keeps every earlier edit', async () => {
    const { server, store } = setup()
    const room = 'booklet/p'
    const a = peer(server, { room, access: 'write', user: 'a' })
    await settle()
    const writer = new Y.Doc()
    writer.on('update', (u: Uint8Array) => {
      const e = encoding.createEncoder()
      encoding.writeVarUint(e, 0)
      syncProtocol.writeUpdate(e, u)
      a.conn.receive(encoding.toUint8Array(e))
    })
    for (let i = 0; i < 300; i++) {
      writer.getMap('m').set(`k${i}`, i)
      await settle()
    }
    const e = encoding.createEncoder()
    encoding.writeVarUint(e, 0)
    syncProtocol.writeUpdate(e, halfApplyingUpdate({ client: 7, root: 'm', key: 'bad', entry: 1 }))
    a.conn.receive(encoding.toUint8Array(e))
    await settle()
    expect(a.closes).toEqual([CloseCode.malformed])
    const live = await server.read(room, (d) => d.getMap('m').toJSON())
    expect(live).toEqual(writer.getMap('m').toJSON())
    const stored = new Y.Doc()
    for (const row of store.logs.get(room)!) Y.applyUpdate(stored, row)
    expect(stored.getMap('m').toJSON()).toEqual(writer.getMap('m').toJSON())
  })

  it('compacts a long log once the document is quiet, one at a time, while edits go on', async () => {
    const { server, store, timers } = setup(3)
    const a = peer(server, { room: 'booklet/p', access: 'write', user: 'a' })
    const b = peer(server, { room: 'booklet/p', access: 'write', user: 'b' })
    await settle()
    const seen = b.sent.length
    for (const text of ['one', 'two', 'three', 'four']) await edit(a.conn, text)
    // The fourth row crossed the threshold and was broadcast; the compaction waits for a pause.
    expect(b.sent.length).toBe(seen + 4)
    expect(timers.pending.size).toBe(1)
    // An edit before the quiet check: the document is still busy, so it looks again later.
    await edit(a.conn, 'five')
    await fireTimers(timers)
    expect(store.compactions).toBe(0)
    expect(timers.pending.size).toBe(1)
    // A whole quiet spell: the compaction starts, and edits do not wait for it.
    store.close()
    await fireTimers(timers)
    expect(store.compactions).toBe(1)
    await edit(a.conn, 'six')
    expect(b.sent.length).toBe(seen + 6)
    expect(store.logs.get('booklet/p')).toHaveLength(6)
    // Nor do they start a second one while it runs.
    await fireTimers(timers)
    expect(store.compactions).toBe(1)
    store.open()
    await server.drain()
    // The memory store folds what it holds when the gate opens, 'six' included.
    expect(store.logs.get('booklet/p')).toHaveLength(1)
    const fromLog = new Y.Doc()
    Y.applyUpdate(fromLog, store.logs.get('booklet/p')![0]!)
    expect(
      ['one', 'two', 'three', 'four', 'five', 'six'].map((t) => fromLog.getText(t).toString()),
    ).toEqual(['one', 'two', 'three', 'four', 'five', 'six'])
    // The log starts over from the folded row: three more before the next compaction.
    await edit(a.conn, 'seven')
    await edit(a.conn, 'eight')
    await fireTimers(timers)
    expect(store.compactions).toBe(1)
    await edit(a.conn, 'nine')
    await fireTimers(timers)
    await server.drain()
    expect(store.compactions).toBe(2)
    expect(store.logs.get('booklet/p')).toHaveLength(1)
  })

  it('compacts a log past the busy limit at once, without waiting for a pause', async () => {
    const { server, store, timers } = setup(3, 6)
    const a = peer(server, { room: 'booklet/p', access: 'write', user: 'a' })
    await settle()
    for (let i = 0; i < 6; i++) await edit(a.conn, `t${i}`)
    expect(store.compactions).toBe(0)
    await edit(a.conn, 't6')
    await server.drain()
    expect(store.compactions).toBe(1)
    expect(store.logs.get('booklet/p')).toHaveLength(1)
    // The quiet check armed at row 4 finds nothing left to do.
    await fireTimers(timers)
    expect(store.compactions).toBe(1)
  })

  it('compacts the log of a document unloaded before its quiet check', async () => {
    const { server, store, timers } = setup(2)
    const a = peer(server, { room: 'booklet/p', access: 'write', user: 'a' })
    await settle()
    for (const text of ['one', 'two', 'three']) await edit(a.conn, text)
    a.conn.close()
    await fireTimers(timers) // both the idle unload and the quiet check
    await server.drain()
    expect(server.loadedRooms).toBe(0)
    expect(store.compactions).toBe(1)
    expect(store.logs.get('booklet/p')).toHaveLength(1)
  })

  it('a failed compaction loses nothing, is logged, and is retried a minute later', async () => {
    const { server, store, log, clock, timers } = setup(2)
    const a = peer(server, { room: 'booklet/p', access: 'write', user: 'a' })
    await settle()
    store.fail = new Error('disk full')
    for (const text of ['one', 'two', 'three']) await edit(a.conn, text)
    await fireTimers(timers)
    expect(store.compactions).toBe(1)
    expect(store.logs.get('booklet/p')).toHaveLength(3)
    expect(log.lines.filter((l) => l.includes('could not compact'))).toHaveLength(1)
    expect(log.lines.some((l) => l.includes('disk full'))).toBe(true)
    expect(a.closes).toEqual([])
    store.fail = undefined
    // Within the minute, a quiet spell does not try again.
    await edit(a.conn, 'four')
    await fireTimers(timers)
    expect(store.compactions).toBe(1)
    clock.ms += 60_000
    await edit(a.conn, 'five')
    await fireTimers(timers)
    await server.drain()
    expect(store.compactions).toBe(2)
    expect(store.logs.get('booklet/p')).toHaveLength(1)
  })

  it('change() through the DocWriter is durable when it resolves', async () => {
    const { server, store } = setup()
    await server.change('review/p', (d) => d.getMap('m').set('k', 1))
    expect(store.logs.get('review/p')).toHaveLength(1)
  })
})

describe('other writers of the log', () => {
  const text = (s: SyncServer) => s.read('booklet/p', (d) => d.getText('t').toString())

  it("sends another writer's rows to the peers once it has committed, without storing them again", async () => {
    const { server, store, timers } = setup(500, 4000, 1000)
    const a = peer(server, { room: 'booklet/p', access: 'write', user: 'a' })
    await settle()
    await edit(a.conn, 'live ')
    const frames = a.sent.length
    await fireTimers(timers)
    // Nothing changed elsewhere: no read at all.
    expect(store.reads).toBe(0)

    const cli = new Y.Doc()
    cli.getText('t').insert(0, 'cli')
    store.appendElsewhere('booklet/p', Y.encodeStateAsUpdate(cli))
    await fireTimers(timers)
    expect(await text(server)).toContain('cli')
    expect(a.sent.length).toBe(frames + 1)
    // Stored once, by the other writer, and only its row was read back.
    expect(store.logs.get('booklet/p')).toHaveLength(2)
    expect(store.commits).toBe(1)
    expect(store.rowsRead).toBe(1)
  })

  it("reads its own rows back only when another writer's sit below them", async () => {
    const { server, store, timers } = setup(500, 4000, 1000)
    const a = peer(server, { room: 'booklet/p', access: 'write', user: 'a' })
    await settle()
    await edit(a.conn, 'one ')
    const cli = new Y.Doc()
    cli.getText('t').insert(0, 'cli ')
    store.appendElsewhere('booklet/p', Y.encodeStateAsUpdate(cli))
    // Above the other writer's row (seq 2): the server's own is not right above its watermark.
    await edit(a.conn, 'two')
    await fireTimers(timers)
    expect(store.rowsRead).toBe(2)
    expect(await text(server)).toContain('cli')
    // Now everything up to seq 3 is known; its next own rows move the watermark on.
    await edit(a.conn, ' three')
    store.appendElsewhere('booklet/p', Y.encodeStateAsUpdate(new Y.Doc()))
    await fireTimers(timers)
    expect(store.rowsRead).toBe(3)
  })

  it('reads again after a failed read, even though nothing changed since', async () => {
    const { server, store, timers, log } = setup(500, 4000, 1000)
    const a = peer(server, { room: 'booklet/p', access: 'write', user: 'a' })
    await settle()
    const cli = new Y.Doc()
    cli.getText('t').insert(0, 'cli')
    store.appendElsewhere('booklet/p', Y.encodeStateAsUpdate(cli))
    store.failReads = 1
    await fireTimers(timers)
    expect(await text(server)).toBe('')
    expect(log.lines.some((l) => l.includes('could not read rows'))).toBe(true)
    await fireTimers(timers)
    expect(await text(server)).toBe('cli')
    expect(a.sent.some((f) => f[0] === 0 && f[1] === 2)).toBe(true)
    const reads = store.reads
    await fireTimers(timers)
    expect(store.reads).toBe(reads)
  })

  it('is off unless asked for', async () => {
    const { server, store, timers } = setup()
    peer(server, { room: 'booklet/p', access: 'write', user: 'a' })
    await settle()
    store.appendElsewhere('booklet/p', Y.encodeStateAsUpdate(new Y.Doc()))
    await fireTimers(timers)
    expect(store.reads).toBe(0)
  })
})

describe('acks', () => {
  it('tells a peer that asked which of its updates are durable, after the commit', async () => {
    const { server, store } = setup()
    const a = peer(server, { room: 'booklet/p', access: 'write', user: 'a', ack: true })
    const b = peer(server, { room: 'booklet/p', access: 'write', user: 'b' })
    await settle()
    // A second, incremental update from the same client: its ack must name that client's clock.
    const local = new Y.Doc()
    const frames: Uint8Array[] = []
    local.on('update', (u: Uint8Array) => {
      const e = encoding.createEncoder()
      encoding.writeVarUint(e, 0)
      syncProtocol.writeUpdate(e, u)
      frames.push(encoding.toUint8Array(e))
    })
    local.getText('t').insert(0, 'hello')
    local.getText('t').insert(5, ' world')
    for (const f of frames) a.conn.receive(f)
    const before = a.sent.length
    await settle()
    // Both arrived in one turn: they are stored (and sent on) as one merged update.
    expect(store.logs.get('booklet/p')).toHaveLength(1)
    const ack = a.sent.slice(before).find((f) => f[0] === MessageType.ack)
    expect(ack).toBeDefined()
    const decoder = decoding.createDecoder(ack!)
    decoding.readVarUint(decoder)
    expect(decoding.readVarUint(decoder)).toBe(1)
    expect(decoding.readVarUint(decoder)).toBe(local.clientID)
    expect(decoding.readVarUint(decoder)).toBe(11)
    expect(b.sent.some((f) => f[0] === MessageType.ack)).toBe(false)
  })

  it('broadcasts once committed but acks only once the disk has it, and in commit order', async () => {
    const { server, store } = setup()
    const gates: Array<() => void> = []
    store.durable = () => new Promise<void>((resolve) => gates.push(resolve))
    const a = peer(server, { room: 'booklet/p', access: 'write', user: 'a', ack: true })
    const b = peer(server, { room: 'booklet/p', access: 'write', user: 'b' })
    await settle()
    const acksOf = () => a.sent.filter((f) => f[0] === MessageType.ack).length
    const updatesTo = () => b.sent.filter((f) => f[0] === 0 && f[1] === 2).length
    a.conn.receive(updateFrame((d) => d.getText('t').insert(0, 'one')))
    await settle()
    a.conn.receive(updateFrame((d) => d.getText('t').insert(0, 'two')))
    await settle()
    // Both commits went through and were broadcast without waiting for the first fsync.
    expect(store.commits).toBe(2)
    expect(updatesTo()).toBe(2)
    expect(acksOf()).toBe(0)
    gates[0]!()
    await settle()
    expect(acksOf()).toBe(1)
    gates[1]!()
    await settle()
    expect(acksOf()).toBe(2)
  })

  it('asks for every commit to reach the disk, also when no peer asked for acks', async () => {
    const { server, store } = setup()
    let flushes = 0
    store.durable = () => {
      flushes++
      return Promise.resolve()
    }
    const a = peer(server, { room: 'booklet/p', access: 'write', user: 'a' })
    await settle()
    a.conn.receive(updateFrame((d) => d.getText('t').insert(0, 'one')))
    await settle()
    a.conn.receive(updateFrame((d) => d.getText('t').insert(0, 'two')))
    await settle()
    expect(store.commits).toBe(2)
    // Nobody waits on these: they share the store's windowed fsync, not one each.
    expect(store.soonRequests).toBe(2)
    expect(flushes).toBe(0)
    expect(a.sent.some((f) => f[0] === MessageType.ack)).toBe(false)
  })

  it('closes a writer whose edit could not be made durable, so that it resends', async () => {
    const { server, store, log } = setup()
    store.durable = () => Promise.reject(new Error('EIO'))
    const a = peer(server, { room: 'booklet/p', access: 'write', user: 'a', ack: true })
    await settle()
    a.conn.receive(updateFrame((d) => d.getText('t').insert(0, 'one')))
    await settle()
    expect(a.sent.some((f) => f[0] === MessageType.ack)).toBe(false)
    expect(a.closes).toEqual([CloseCode.internalError])
    expect(log.lines.some((l) => l.startsWith('ERROR') && l.includes('durable'))).toBe(true)
  })
})

describe('awareness', () => {
  function awarenessFrame(clientId: number, clock: number, state: unknown): Uint8Array {
    const e = encoding.createEncoder()
    encoding.writeVarUint(e, MessageType.awareness)
    const inner = encoding.createEncoder()
    encoding.writeVarUint(inner, 1)
    encoding.writeVarUint(inner, clientId)
    encoding.writeVarUint(inner, clock)
    encoding.writeVarString(inner, JSON.stringify(state))
    encoding.writeVarUint8Array(e, encoding.toUint8Array(inner))
    return encoding.toUint8Array(e)
  }

  it('relays states; an echo of another peer state is dropped, not applied and not fatal', async () => {
    const { server } = setup()
    const a = peer(server, { room: 'booklet/p', access: 'read', user: 'a' })
    const b = peer(server, { room: 'booklet/p', access: 'read', user: 'b' })
    await settle()
    a.conn.receive(awarenessFrame(111, 1, { user: 'a' }))
    expect(b.sent.at(-1)?.[0]).toBe(MessageType.awareness)
    const bCount = b.sent.length
    // b echoes a's state back (as the official client does), then claims it with a newer clock.
    b.conn.receive(awarenessFrame(111, 1, { user: 'a' }))
    b.conn.receive(awarenessFrame(111, 2, { user: 'evil' }))
    expect(b.closes).toEqual([])
    const room = await server.room('booklet/p')
    expect(room.awareness.getStates().get(111)).toEqual({ user: 'a' })
    expect(a.sent.filter((f) => f[0] === MessageType.awareness).length).toBe(0)
    expect(b.sent.length).toBe(bCount)
    // When a leaves, its state is removed for the others.
    a.conn.close()
    expect(b.sent.at(-1)?.[0]).toBe(MessageType.awareness)
  })
})
