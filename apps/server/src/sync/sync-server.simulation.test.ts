import { createRandom } from '@concord/metrics'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { describe, expect, it } from 'vitest'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import { createMemoryLogger } from '../logger'
import { MemoryDocStore } from './doc-store'
import { SyncServer, type Connection, type Timers } from './sync-server'

/** A seeded source of floats in [0, 1): every run replays the same schedule. */
function rng(seed: number): () => number {
  const random = createRandom(seed)
  return () => random.nextFloat()
}

const noTimers: Timers = { setTimeout: () => 0, clearTimeout: () => undefined }

interface Link {
  toServer: Uint8Array[]
  toClient: Uint8Array[]
  conn: Connection
  open: boolean
}

/** A peer speaking the y-websocket protocol over an in-memory link it can lose at any time. */
class Peer {
  readonly doc = new Y.Doc()
  link: Link | undefined
  constructor(
    readonly id: number,
    private readonly server: SyncServer,
    private readonly room: string,
  ) {
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === this || !this.link?.open) return
      const e = encoding.createEncoder()
      encoding.writeVarUint(e, 0)
      syncProtocol.writeUpdate(e, update)
      this.link.toServer.push(encoding.toUint8Array(e))
    })
  }

  connect(): void {
    const link: Link = {
      toServer: [],
      toClient: [],
      open: true,
      conn: undefined as unknown as Connection,
    }
    link.conn = this.server.connect(
      {
        send: (frame) => {
          if (link.open) link.toClient.push(frame)
        },
        close: () => {
          link.open = false
        },
      },
      { room: this.room, access: 'write', user: `u${this.id}` },
    )
    const e = encoding.createEncoder()
    encoding.writeVarUint(e, 0)
    syncProtocol.writeSyncStep1(e, this.doc)
    link.toServer.push(encoding.toUint8Array(e))
    this.link = link
  }

  disconnect(): void {
    if (!this.link) return
    this.link.open = false
    this.link.conn.close()
    this.link = undefined
  }

  receive(frame: Uint8Array): void {
    const decoder = decoding.createDecoder(frame)
    if (decoding.readVarUint(decoder) !== 0) return
    const reply = encoding.createEncoder()
    encoding.writeVarUint(reply, 0)
    syncProtocol.readSyncMessage(decoder, reply, this.doc, this)
    if (encoding.length(reply) > 1 && this.link?.open) {
      this.link.toServer.push(encoding.toUint8Array(reply))
    }
  }

  edit(random: () => number): void {
    this.doc.transact(() => {
      this.doc.getMap('labels').set(`item-${Math.floor(random() * 20)}`, {
        value: `l${Math.floor(random() * 3)}`,
        at: this.id,
      })
      const text = this.doc.getText('notes')
      text.insert(Math.floor(random() * (text.length + 1)), `p${this.id}.`)
    })
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r))
}

async function simulate(seed: number, peers: number, steps: number): Promise<void> {
  const random = rng(seed)
  const store = new MemoryDocStore()
  const flushes: Array<() => void> = []
  const server = new SyncServer({
    store,
    clock: { now: () => 0 },
    log: createMemoryLogger(),
    schedule: (fn) => flushes.push(fn),
    timers: noTimers,
    idleUnloadMs: 1000,
    compactAfterUpdates: 25,
    // Its timers never fire: every compaction here is a busy one, beside the peers' traffic.
    compactQuietMs: 1000,
    compactBusyAfterUpdates: 25,
    socketMessagesPerSecond: 1e9,
    socketMessageBurst: 1e9,
  })
  const room = 'booklet/sim'
  const all = Array.from({ length: peers }, (_, i) => new Peer(i + 1, server, room))
  for (const p of all) p.connect()
  await settle()

  for (let step = 0; step < steps; step++) {
    const r = random()
    const peer = all[Math.floor(random() * all.length)]!
    if (r < 0.3) peer.edit(random)
    else if (r < 0.35) peer.disconnect()
    else if (r < 0.42 && !peer.link) peer.connect()
    else if (r < 0.5 && flushes.length > 0) flushes.shift()!()
    else if (peer.link) {
      // Deliver one message in one direction, in order within the link (TCP), random across links.
      const link = peer.link
      if (random() < 0.5 && link.toServer.length > 0) link.conn.receive(link.toServer.shift()!)
      else if (link.toClient.length > 0) peer.receive(link.toClient.shift()!)
    }
    if (step % 20 === 0) await settle()
  }

  // Heal: everyone online, every message delivered, every commit done.
  for (const p of all) if (!p.link) p.connect()
  for (let round = 0; round < 200; round++) {
    await settle()
    let moved = false
    while (flushes.length > 0) {
      flushes.shift()!()
      moved = true
    }
    await settle()
    for (const p of all) {
      const link = p.link!
      while (link.toServer.length > 0) {
        link.conn.receive(link.toServer.shift()!)
        moved = true
      }
      while (link.toClient.length > 0) {
        p.receive(link.toClient.shift()!)
        moved = true
      }
    }
    if (!moved) break
  }
  await server.drain()

  const view = (doc: Y.Doc) => ({
    labels: doc.getMap('labels').toJSON(),
    notes: doc.getText('notes').toString(),
  })
  const serverState = await server.read(room, view)
  expect(serverState.notes.length).toBeGreaterThan(100)
  for (const p of all) expect(view(p.doc), `peer ${p.id}, seed ${seed}`).toEqual(serverState)
  // What is on "disk" is exactly what peers converged to.
  const fromLog = new Y.Doc()
  for (const update of await store.load(room)) Y.applyUpdate(fromLog, update)
  expect(view(fromLog)).toEqual(serverState)
  expect((store.logs.get(room) ?? []).length).toBeLessThanOrEqual(60)
}

describe('SyncServer under a seeded random schedule', () => {
  for (const seed of [1, 2, 3, 42, 1337, 2024]) {
    it(`converges and persists (seed ${seed})`, async () => {
      await simulate(seed, 5, 1500)
    })
  }
})
