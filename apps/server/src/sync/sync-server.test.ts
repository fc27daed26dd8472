import * as encoding from 'lib0/encoding'
import { describe, expect, it } from 'vitest'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import { createMemoryLogger } from '../logger'
import { CloseCode } from './close-codes'
import { MemoryDocStore } from './doc-store'
import { MessageType } from './protocol'
import { SyncServer, type ConnectionInfo, type Timers } from './sync-server'

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

function setup() {
  const store = new MemoryDocStore()
  const timers = new ManualTimers()
  const log = createMemoryLogger()
  const server = new SyncServer({
    store,
    clock: { now: () => 0 },
    log,
    schedule: (fn) => setImmediate(fn),
    timers,
    idleUnloadMs: 1000,
    compactAfterUpdates: 500,
    socketMessagesPerSecond: 1e9,
    socketMessageBurst: 1e9,
  })
  return { store, timers, log, server }
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

  it('change() through the DocWriter is durable when it resolves', async () => {
    const { server, store } = setup()
    await server.change('review/p', (d) => d.getMap('m').set('k', 1))
    expect(store.logs.get('review/p')).toHaveLength(1)
  })
})

describe('acks', () => {
  it('tells a peer that asked which of its updates are durable, after the commit', async () => {
    const { server, store } = setup()
    const a = peer(server, { room: 'booklet/p', access: 'write', user: 'a', ack: true })
    const b = peer(server, { room: 'booklet/p', access: 'write', user: 'b' })
    await settle()
    const before = a.sent.length
    a.conn.receive(updateFrame((d) => d.getText('t').insert(0, 'hello')))
    await settle()
    expect(store.logs.get('booklet/p')).toHaveLength(1)
    const ack = a.sent.slice(before).find((f) => f[0] === MessageType.ack)
    expect(ack).toBeDefined()
    expect(b.sent.some((f) => f[0] === MessageType.ack)).toBe(false)
  })
})
