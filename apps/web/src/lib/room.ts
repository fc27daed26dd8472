import * as decoding from 'lib0/decoding'
import { createSignal, onCleanup, type Accessor } from 'solid-js'
import { IndexeddbPersistence } from 'y-indexeddb'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'

/** Concord's own server-to-client messages (apps/server/src/sync/protocol.ts). */
const MESSAGE_SYNC = 0
const MESSAGE_NOTICE = 100
const MESSAGE_ACK = 101

export type ConnectionStatus = 'connecting' | 'connected' | 'offline'

export interface Notice {
  level: 'error' | 'warning'
  message: string
  item?: string
}

export interface RoomHandle {
  readonly name: string
  readonly doc: Y.Doc
  readonly provider: WebsocketProvider
  readonly status: Accessor<ConnectionStatus>
  readonly synced: Accessor<boolean>
  /** Local edits the server has not yet confirmed as durable. */
  readonly waiting: Accessor<number>
  readonly notices: Accessor<Notice[]>
  destroy(): void
}

export function syncUrl(): string {
  const proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${proto}//${window.location.host}/sync`
}

type Waiting = Array<[client: number, clock: number]>

/**
 * Opens one Yjs room: the official y-websocket client for sync, y-indexeddb so edits survive
 * going offline and reloading, and signals for the header (connection, edits waiting).
 * The session cookie authenticates the socket.
 */
export function makeRoom(name: string, opts: { userId: string; offline?: boolean }): RoomHandle {
  const doc = new Y.Doc()
  const storageKey = `concord:waiting:${opts.userId}:${name}`
  const persistence =
    opts.offline === false
      ? undefined
      : new IndexeddbPersistence(`concord:${opts.userId}:${name}`, doc)
  const provider = new WebsocketProvider(syncUrl(), name, doc, {
    params: { ack: '1' },
    maxBackoffTime: 2500,
  })
  const [status, setStatus] = createSignal<ConnectionStatus>('connecting')
  const [synced, setSynced] = createSignal(false)
  const [notices, setNotices] = createSignal<Notice[]>([])

  // Edits waiting for the server: (client, clock) marks, kept across reloads.
  let waiting: Waiting = readWaiting(storageKey)
  const [waitingCount, setWaitingCount] = createSignal(waiting.length)
  const saveWaiting = (next: Waiting): void => {
    waiting = next
    setWaitingCount(next.length)
    try {
      localStorage.setItem(storageKey, JSON.stringify(next))
    } catch {
      // storage full or blocked: the count is then only kept for this page
    }
  }
  const confirm = (durable: Map<number, number>): void => {
    const left = waiting.filter(([client, clock]) => clock > (durable.get(client) ?? 0))
    if (left.length !== waiting.length) saveWaiting(left)
  }
  doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin === provider || origin === persistence) return
    // The clock this edit reaches (parseUpdateMeta also reads incremental updates).
    const clock = Y.parseUpdateMeta(update).to.get(doc.clientID)
    if (clock !== undefined) saveWaiting([...waiting, [doc.clientID, clock]])
  })

  provider.messageHandlers[MESSAGE_ACK] = (_encoder, decoder) => {
    const acked = new Map<number, number>()
    const n = decoding.readVarUint(decoder)
    for (let i = 0; i < n; i++)
      acked.set(decoding.readVarUint(decoder), decoding.readVarUint(decoder))
    confirm(acked)
  }
  provider.messageHandlers[MESSAGE_NOTICE] = (_encoder, decoder) => {
    const notice = JSON.parse(decoding.readVarString(decoder)) as Notice
    setNotices((list) => [...list.slice(-9), notice])
  }
  // The server's sync step 1 carries its state vector: whatever it already holds is not waiting.
  const syncHandler = provider.messageHandlers[MESSAGE_SYNC]!
  provider.messageHandlers[MESSAGE_SYNC] = (encoder, decoder, prov, emitSynced, type) => {
    const peek = decoding.clone(decoder)
    if (decoding.readVarUint(peek) === 0)
      confirm(Y.decodeStateVector(decoding.readVarUint8Array(peek)))
    syncHandler(encoder, decoder, prov, emitSynced, type)
  }

  provider.on('status', (e: { status: string }) => {
    setStatus(e.status === 'connected' ? 'connected' : navigator.onLine ? 'connecting' : 'offline')
  })
  provider.on('sync', (isSynced: boolean) => setSynced(isSynced))
  provider.on('connection-close', () => setStatus(navigator.onLine ? 'connecting' : 'offline'))
  // The browser knows about the network before the socket times out: act on it at once.
  const goOffline = (): void => {
    setStatus('offline')
    provider.disconnect()
  }
  const goOnline = (): void => {
    provider.connect()
  }
  window.addEventListener('offline', goOffline)
  window.addEventListener('online', goOnline)
  if (!navigator.onLine) goOffline()

  return {
    name,
    doc,
    provider,
    status,
    synced,
    waiting: waitingCount,
    notices,
    destroy: () => {
      window.removeEventListener('offline', goOffline)
      window.removeEventListener('online', goOnline)
      provider.destroy()
      void persistence?.destroy()
      doc.destroy()
    },
  }
}

/** makeRoom, destroyed with the owning Solid scope. */
export function createRoom(name: string, opts: { userId: string; offline?: boolean }): RoomHandle {
  const room = makeRoom(name, opts)
  onCleanup(() => room.destroy())
  return room
}

function readWaiting(key: string): Waiting {
  try {
    const parsed = JSON.parse(localStorage.getItem(key) ?? '[]') as unknown
    return Array.isArray(parsed) ? (parsed as Waiting) : []
  } catch {
    return []
  }
}
