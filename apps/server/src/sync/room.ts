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
  /** Set when an update threw inside Y.applyUpdate: the transaction's document is discarded. */
  tainted = false
  constructor(readonly origins: readonly Origin[]) {}
}

/** History entries past which it is folded into one update (see Room.history). */
const HISTORY_FOLD_AFTER = 256

/** Origin of rows read back from the log (another writer's): stored already, not to commit. */
const FROM_LOG = Symbol('from the log')

/**
 * One loaded document and who is in it. Changes accumulate in `pending` until the server's next
 * group commit persists them; only then are they broadcast (SPEC.md rule 2).
 */
export class Room {
  private current: Y.Doc
  /**
   * Updates whose union is exactly `doc`: the stored rows it was loaded from and every update it
   * emitted since. A batch that Yjs refuses half-way is rolled back by rebuilding the document
   * from them (applyIncoming); folded into one update once it grows past HISTORY_FOLD_AFTER.
   */
  private history: Uint8Array[]
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
    private readonly onUpdate: (room: Room) => void,
  ) {
    this.projectedMap =
      parsed?.kind === 'labels'
        ? LABELS_MAP
        : parsed?.kind === 'review'
          ? ADJUDICATIONS_MAP
          : undefined
    this.logRows = stored.length
    this.history = [...stored]
    this.current = this.open(stored)
    // Awareness only takes a client id from its document (the server's local state is null), and
    // is destroyed with it: a document of its own lets a rolled-back one go (applyIncoming).
    this.awareness = new awarenessProtocol.Awareness(new Y.Doc())
    this.awareness.setLocalState(null)
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

  /** The room's document. Replaced, never mutated back, when a batch is rolled back. */
  get doc(): Y.Doc {
    return this.current
  }

  /**
   * A document holding `updates`, wired to this room: its changes queue for the next commit and
   * join the history; changes to the projected map are tracked.
   */
  private open(updates: readonly Uint8Array[]): Y.Doc {
    const doc = new Y.Doc({ gc: true })
    applyLog(doc, updates)
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin instanceof Batch && origin.tainted) return
      this.history.push(update)
      if (origin === FROM_LOG) {
        this.absorbed = update
        return
      }
      const origins = origin instanceof Batch ? origin.origins : isOrigin(origin) ? [origin] : []
      this.pending.push({ update, origins })
      this.onUpdate(this)
    })
    if (this.projectedMap !== undefined) {
      doc.getMap(this.projectedMap).observe((event) => {
        const origin: unknown = event.transaction.origin
        if (origin instanceof Batch && origin.tainted) return
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
    return doc
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
   *
   * An update can decode cleanly and still throw inside Y.applyUpdate after integrating part of
   * itself (an item whose origin Yjs cannot find), and Yjs has no way to take that part out of a
   * transaction. So a throw taints the whole transaction: its 'update' event and map changes are
   * dropped, and the document is rebuilt from its history (exactly what it held before the
   * batch, the server's own uncommitted changes included) with the batch's other updates applied
   * again, in one transaction as before. What the peers see, the log stores and the projection
   * reads is then as if the refused update had never arrived (SPEC.md rule 5). The rebuild costs
   * a full reload of the document, but only when a peer sends what no Yjs client produces; the
   * normal path pays one array push per update and a fold of the history now and then.
   */
  applyIncoming(fail: (origin: Origin, err: unknown) => void): IncomingUpdate[] {
    this.foldHistory()
    const batch = this.incoming
    if (batch.length === 0) return batch
    this.incoming = []
    /** Each refused origin, with the position in `batch` from which its updates are skipped. */
    const failedFrom = new Map<Origin, number>()
    let attempt = this.applyBatch(this.current, batch, failedFrom)
    while (attempt.threw) {
      const { at, err } = attempt.threw
      const origin = batch[at]!.origin
      failedFrom.set(origin, at)
      fail(origin, err)
      const clean = this.open(this.history)
      attempt = this.applyBatch(clean, batch, failedFrom)
      // Only a clean transaction's document becomes the room's: each refusal is one more round.
      if (attempt.threw) clean.destroy()
      else {
        this.current.destroy()
        this.current = clean
      }
    }
    const applied = attempt.applied
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

  /** One transaction over `batch`, stopped (and tainted) at the first update Yjs refuses. */
  private applyBatch(
    doc: Y.Doc,
    batch: readonly IncomingUpdate[],
    failedFrom: ReadonlyMap<Origin, number>,
  ): { applied: IncomingUpdate[]; threw?: { at: number; err: unknown } } {
    const applied: IncomingUpdate[] = []
    let threw: { at: number; err: unknown } | undefined
    const origin = new Batch([...new Set(batch.map((u) => u.origin))])
    doc.transact(() => {
      for (let at = 0; at < batch.length; at++) {
        const u = batch[at]!
        const skipFrom = failedFrom.get(u.origin)
        if (skipFrom !== undefined && at >= skipFrom) continue
        try {
          Y.applyUpdate(doc, u.update)
          applied.push(u)
        } catch (err) {
          threw = { at, err }
          origin.tainted = true
          return
        }
      }
    }, origin)
    return threw ? { applied, threw } : { applied }
  }

  /**
   * Keeps the history short: the document is clean here (between batches), so its encoded state
   * is the union of everything it holds, pending structs included.
   */
  private foldHistory(): void {
    if (this.history.length > HISTORY_FOLD_AFTER) {
      this.history = [Y.encodeStateAsUpdate(this.current)]
    }
  }

  /**
   * Applies rows read back from the log, which another writer appended, in one transaction. They
   * are stored already, so nothing is queued for a commit; keys they change in a projected map
   * are, to be projected again from the merged document. Returns what they added, if anything.
   */
  absorb(updates: readonly Uint8Array[]): Uint8Array | undefined {
    this.absorbed = undefined
    const doc = this.current
    doc.transact(() => {
      for (const update of updates) Y.applyUpdate(doc, update)
    }, FROM_LOG)
    const added = this.absorbed
    this.absorbed = undefined
    return added
  }

  destroy(): void {
    this.closed = true
    this.awareness.destroy()
    this.current.destroy()
  }
}

function isOrigin(value: unknown): value is Origin {
  return typeof value === 'object' && value !== null && 'send' in value
}
