import { ADJUDICATIONS_MAP, LABELS_MAP, type Room as RoomName } from '@concord/core'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as Y from 'yjs'
import { encodeAwareness } from './protocol'

/** Where an update or label change came from: a connection, or the server itself (imports). */
export interface Origin {
  send(frame: Uint8Array): void
}

export interface PendingUpdate {
  readonly update: Uint8Array
  readonly origin: Origin | null
}

/**
 * One loaded document and who is in it. Changes accumulate in `pending` until the server's next
 * group commit persists them; only then are they broadcast (SPEC.md rule 2).
 */
export class Room {
  readonly doc: Y.Doc
  readonly awareness: awarenessProtocol.Awareness
  /** Each connection and the awareness client ids it controls. */
  readonly conns = new Map<Origin, Set<number>>()
  pending: PendingUpdate[] = []
  /**
   * The map a projection follows (labels rooms: `labels`; review rooms: `adjudications`), and its
   * keys changed since the last commit with the origin of the last change.
   */
  readonly projectedMap: string | undefined
  changedKeys = new Map<string, Origin | null>()
  /** Frames that reveal document state, held until the state they reveal is durable. */
  deferred: Array<{ readonly to: Origin; readonly make: () => Uint8Array }> = []
  /** Commits under way that carry this room's updates. */
  inFlight = 0
  /** Rows in the stored log, to decide when to compact. */
  logRows: number
  idleTimer: unknown = undefined
  closed = false

  constructor(
    readonly name: string,
    readonly parsed: RoomName | undefined,
    stored: readonly Uint8Array[],
    onUpdate: (room: Room) => void,
  ) {
    this.doc = new Y.Doc({ gc: true })
    this.logRows = stored.length
    if (stored.length > 0) {
      Y.applyUpdate(this.doc, stored.length === 1 ? stored[0]! : Y.mergeUpdates([...stored]))
    }
    this.awareness = new awarenessProtocol.Awareness(this.doc)
    this.awareness.setLocalState(null)
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      this.pending.push({ update, origin: isOrigin(origin) ? origin : null })
      onUpdate(this)
    })
    this.projectedMap =
      parsed?.kind === 'labels'
        ? LABELS_MAP
        : parsed?.kind === 'review'
          ? ADJUDICATIONS_MAP
          : undefined
    if (this.projectedMap !== undefined) {
      this.doc.getMap(this.projectedMap).observe((event) => {
        const origin = event.transaction.origin
        for (const key of event.keysChanged) {
          this.changedKeys.set(key, isOrigin(origin) ? origin : null)
        }
      })
    }
    this.awareness.on(
      'update',
      (change: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
        const changed = change.added.concat(change.updated, change.removed)
        const owned = isOrigin(origin) ? this.conns.get(origin) : undefined
        if (owned) {
          for (const id of change.added) owned.add(id)
          for (const id of change.removed) owned.delete(id)
        }
        const frame = encodeAwareness(
          awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed),
        )
        for (const conn of this.conns.keys()) if (conn !== origin) conn.send(frame)
      },
    )
  }

  get busy(): boolean {
    return this.pending.length > 0 || this.inFlight > 0 || this.deferred.length > 0
  }

  destroy(): void {
    this.closed = true
    this.awareness.destroy()
    this.doc.destroy()
  }
}

function isOrigin(value: unknown): value is Origin {
  return typeof value === 'object' && value !== null && 'send' in value
}
