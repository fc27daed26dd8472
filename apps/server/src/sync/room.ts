import { ADJUDICATIONS_MAP, LABELS_MAP, type Room as RoomName } from '@concord/core'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as Y from 'yjs'
import { encodeAwareness } from './protocol'
import { applyLog } from './log-folder'

/** Where an update or label change came from: a connection, or the server itself (imports). */
export interface Origin {
  send(frame: Uint8Array): void
}

export interface PendingUpdate {
  readonly update: Uint8Array
  /** Whose edits it carries: one connection, several (a batch), the server, or nobody known. */
  readonly origins: readonly Origin[]
}

/** A peer's validated update, waiting for the next group commit to be applied. */
export interface IncomingUpdate {
  readonly update: Uint8Array
  readonly origin: Origin
  /** (root type, key) of the top-level map entries it writes (see decodeClientMessage). */
  readonly rootEntries: ReadonlyArray<readonly [string, string]>
}

/** Origin of the one transaction that applies a batch of peers' updates. */
class Batch {
  constructor(readonly origins: readonly Origin[]) {}
}

/** Origin of rows read back from the log (another writer's): stored already, not to commit. */
const FROM_LOG = Symbol('from the log')

/**
 * One loaded document and who is in it. Changes accumulate in `pending` until the server's next
 * group commit persists them; only then are they broadcast (SPEC.md rule 2).
 */
export class Room {
  readonly doc: Y.Doc
  readonly awareness: awarenessProtocol.Awareness
  /** Each connection and the awareness client ids it controls. */
  readonly conns = new Map<Origin, Set<number>>()
  /** Peers' updates received since the last commit, not yet applied (see applyIncoming). */
  incoming: IncomingUpdate[] = []
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
  /** Every log row up to this sequence number is in `doc` (rows above may be another writer's). */
  watermark = 0
  /** What the last `absorb` added to the document. */
  private absorbed: Uint8Array | undefined
  idleTimer: unknown = undefined
  /** Pending check for a quiet spell before compacting (SyncServer.waitForQuiet). */
  quietTimer: unknown = undefined
  commitsSinceQuietCheck = 0
  closed = false

  constructor(
    readonly name: string,
    readonly parsed: RoomName | undefined,
    stored: readonly Uint8Array[],
    onUpdate: (room: Room) => void,
  ) {
    this.doc = new Y.Doc({ gc: true })
    this.logRows = stored.length
    applyLog(this.doc, stored)
    this.awareness = new awarenessProtocol.Awareness(this.doc)
    this.awareness.setLocalState(null)
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === FROM_LOG) {
        this.absorbed = update
        return
      }
      const origins = origin instanceof Batch ? origin.origins : isOrigin(origin) ? [origin] : []
      this.pending.push({ update, origins })
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
        const origin: unknown = event.transaction.origin
        // A batch's keys are given their writers by applyIncoming; a lone writer is known now.
        const by =
          origin instanceof Batch
            ? origin.origins.length === 1
              ? origin.origins[0]!
              : null
            : isOrigin(origin)
              ? origin
              : null
        for (const key of event.keysChanged) this.changedKeys.set(key, by)
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
    return (
      this.incoming.length > 0 ||
      this.pending.length > 0 ||
      this.inFlight > 0 ||
      this.deferred.length > 0
    )
  }

  /**
   * Applies the queued peer updates in one Yjs transaction, so that a batch costs one round of
   * observers and one encoded update (the 'update' event), never a merge of many. `fail` is told
   * about an update Yjs could not apply; that origin's later updates in the batch are skipped.
   * Returns the updates that were applied, in order.
   */
  applyIncoming(fail: (origin: Origin, err: unknown) => void): IncomingUpdate[] {
    const batch = this.incoming
    if (batch.length === 0) return batch
    this.incoming = []
    const failed = new Set<Origin>()
    const applied: IncomingUpdate[] = []
    const origins = [...new Set(batch.map((u) => u.origin))]
    this.doc.transact(() => {
      for (const u of batch) {
        if (failed.has(u.origin)) continue
        try {
          Y.applyUpdate(this.doc, u.update)
          applied.push(u)
        } catch (err) {
          failed.add(u.origin)
          fail(u.origin, err)
        }
      }
    }, new Batch(origins))
    // The map observer saw one transaction; give each changed key the peer that last wrote it.
    if (this.projectedMap !== undefined && this.changedKeys.size > 0) {
      for (const u of applied) {
        for (const [root, key] of u.rootEntries) {
          if (root === this.projectedMap && this.changedKeys.has(key)) {
            this.changedKeys.set(key, u.origin)
          }
        }
      }
    }
    return applied
  }

  /**
   * Applies rows read back from the log, which another writer appended, in one transaction. They
   * are stored already, so nothing is queued for a commit; keys they change in a projected map
   * are, to be projected again from the merged document. Returns what they added, if anything.
   */
  absorb(updates: readonly Uint8Array[]): Uint8Array | undefined {
    this.absorbed = undefined
    this.doc.transact(() => {
      for (const update of updates) Y.applyUpdate(this.doc, update)
    }, FROM_LOG)
    const added = this.absorbed
    this.absorbed = undefined
    return added
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
