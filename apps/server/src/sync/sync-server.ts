import { parseRoom, type Access } from '@concord/core'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as Y from 'yjs'
import type { Clock } from '../clock'
import type { DocWriter } from '../context'
import type { Logger } from '../logger'
import { CloseCode, type CloseCodeValue } from './close-codes'
import type { CommitBatch, DocStore, LogWatch, ProjectedChange } from './doc-store'
import {
  decodeClientMessage,
  encodeAck,
  encodeAwarenessEntries,
  encodeAwareness,
  encodeNotice,
  encodePermissionDenied,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeUpdate,
  FrameError,
  type ClientMessage,
} from './protocol'
import { TokenBucket } from './rate-limiter'
import { Room, type IncomingUpdate, type Origin } from './room'

/** The transport, reduced to what the sync layer needs (hocuspocus-style). */
export interface SocketLike {
  send(frame: Uint8Array): void
  close(code: CloseCodeValue, reason: string): void
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export interface SyncServerOptions {
  readonly store: DocStore
  readonly clock: Clock
  readonly log: Logger
  /** Runs `fn` once the current burst of messages has been handled (setImmediate in production). */
  readonly schedule: (fn: () => void) => void
  readonly timers: Timers
  readonly idleUnloadMs: number
  /** A log longer than this is compacted once its document has been quiet (SPEC.md rule 8). */
  readonly compactAfterUpdates: number
  /** How long a document must go without a commit to count as quiet. */
  readonly compactQuietMs: number
  /** A log longer than this is compacted at once, quiet or not. */
  readonly compactBusyAfterUpdates: number
  readonly socketMessagesPerSecond: number
  readonly socketMessageBurst: number
  /** Told, after each commit, which projects' labels or adjudications it changed. */
  readonly onProjected?: (projects: ReadonlySet<string>) => void
  /** Called for every frame a peer sends (keep it cheap): people are working now. */
  readonly onActivity?: () => void
  /**
   * How often to look for rows another writer (the CLI) appended to the logs of loaded documents
   * (SPEC.md rule 12). Off when unset, or when the store cannot tell (`DocStore.others`).
   */
  readonly watchOthersMs?: number
}

export interface ConnectionInfo {
  readonly room: string
  readonly access: Exclude<Access, 'none'>
  readonly user: string
  /** The peer asked for ack messages (type 101) once its updates are durable. */
  readonly ack?: boolean
}

/** Origin of changes made by the server itself (imports, seeding, review decisions). */
const SERVER_ORIGIN: Origin = { send: () => undefined }

/** Updates waiting past which a commit starts without waiting for the end of the turn. */
const MAX_BATCH = 32

/** After a failed compaction, the document's next attempt waits this long (the log only grows). */
const COMPACTION_RETRY_MS = 60_000

/**
 * Rooms, connections and the group commit. Transport-free: bytes come in through
 * `Connection.receive`, go out through `SocketLike.send`. See SPEC.md for the rules it keeps.
 */
export class SyncServer implements DocWriter {
  private readonly rooms = new Map<string, Room>()
  private readonly loading = new Map<string, Promise<Room>>()
  private readonly dirty = new Set<Room>()
  private flushScheduled = false
  /** Set while flush applies queued updates, whose 'update' events land in this very flush. */
  private flushing = false
  /** Calls to markDirty since the last flush: about the number of updates waiting. */
  private waiting = 0
  private earlyFlushQueued = false
  private commitChain: Promise<void> = Promise.resolve()
  /** Compactions under way, by document: at most one each. */
  private readonly compacting = new Map<string, Promise<void>>()
  /** Documents whose last compaction failed, with when to try again. */
  private readonly compactionRetryAt = new Map<string, number>()
  /** Resolves when the commit that will carry the current pending changes is done. */
  private nextCommit: { promise: Promise<void>; resolve: () => void; reject: (e: unknown) => void }
  private closed = false
  private readonly others: LogWatch | undefined
  private watchTimer: unknown = undefined
  /** A look at other writers' rows failed for some room: look again even if nothing changed. */
  private lookAgain = false

  constructor(private readonly opts: SyncServerOptions) {
    this.nextCommit = deferred()
    this.others = opts.watchOthersMs ? opts.store.others : undefined
    this.watchOthers()
  }

  /** Rooms currently in memory (for metrics and tests). */
  get loadedRooms(): number {
    return this.rooms.size
  }

  connect(socket: SocketLike, info: ConnectionInfo): Connection {
    return new Connection(this, socket, info, this.opts)
  }

  /** @internal */
  async room(name: string): Promise<Room> {
    const loaded = this.rooms.get(name)
    if (loaded) return loaded
    let pending = this.loading.get(name)
    if (!pending) {
      // Read before the log: rows appended in between are loaded, and read again (harmlessly) by
      // the next look for other writers' rows.
      const watermark = this.others ? this.others.lastSeq(name) : Promise.resolve(0)
      pending = Promise.all([watermark, watermark.then(() => this.opts.store.load(name))]).then(
        ([seq, stored]) => {
          const room = new Room(name, parseRoom(name), stored, (r) => this.markDirty(r))
          room.watermark = seq
          this.rooms.set(name, room)
          this.loading.delete(name)
          return room
        },
        (err: unknown) => {
          this.loading.delete(name)
          throw err
        },
      )
      this.loading.set(name, pending)
    }
    return pending
  }

  // ---- DocWriter -------------------------------------------------------------------------

  async change(docName: string, mutate: (doc: Y.Doc) => void): Promise<void> {
    const room = await this.room(docName)
    this.touch(room)
    room.doc.transact(() => mutate(room.doc), SERVER_ORIGIN)
    if (room.pending.length > 0 || room.changedKeys.size > 0) await this.nextCommit.promise
    this.maybeIdle(room)
  }

  async read<T>(docName: string, read: (doc: Y.Doc) => T): Promise<T> {
    const room = await this.room(docName)
    try {
      return read(room.doc)
    } finally {
      this.maybeIdle(room)
    }
  }

  // ---- group commit -----------------------------------------------------------------------

  /** @internal */
  markDirty(room: Room): void {
    this.dirty.add(room)
    if (this.closed || this.flushing) return
    if (!this.flushScheduled) {
      this.flushScheduled = true
      this.opts.schedule(() => this.flush())
    }
    // Under a burst one event-loop turn can read hundreds of updates; holding all of them until
    // the turn ends delays the first ones by the whole turn. Past a batch's worth, commit as soon
    // as the current message is handled (a microtask: never inside a Yjs transaction).
    if (++this.waiting >= MAX_BATCH && !this.earlyFlushQueued) {
      this.earlyFlushQueued = true
      queueMicrotask(() => {
        this.earlyFlushQueued = false
        if (!this.closed && this.dirty.size > 0) this.flush()
      })
    }
  }

  /** Persists everything pending, then sends what was waiting for it. Commits run in order. */
  private flush(): void {
    // Peers' updates are applied now, one transaction per room, so that what this commit stores
    // and broadcasts is exactly what the documents hold when it is collected.
    const applied = new Map<Room, IncomingUpdate[]>()
    this.flushing = true
    try {
      for (const room of this.dirty) {
        applied.set(
          room,
          room.applyIncoming((origin, err) => {
            if (origin instanceof Connection) {
              origin.close(
                CloseCode.malformed,
                `update could not be applied: ${String(err).slice(0, 60)}`,
              )
            }
          }),
        )
      }
    } finally {
      this.flushing = false
    }
    this.flushScheduled = false
    this.waiting = 0
    const rooms = [...this.dirty]
    this.dirty.clear()
    const waiter = this.nextCommit
    this.nextCommit = deferred()
    const updates: Array<{ doc: string; update: Uint8Array }> = []
    const changes: ProjectedChange[] = []
    const changeOrigins = new Map<ProjectedChange, Origin | null>()
    const work = rooms.map((room) => {
      const pending = room.pending
      room.pending = []
      // Several updates of one room in one commit travel as one: one log row, and one frame per
      // peer that its client applies in one transaction (Hocuspocus coalesces the same way).
      // Peers' updates already arrive as one (applyIncoming); a merge is left for the rare commit
      // that also carries the server's own changes to the room.
      const merged = pending.length > 1 ? Y.mergeUpdates(pending.map((p) => p.update)) : undefined
      if (merged) updates.push({ doc: room.name, update: merged })
      else for (const p of pending) updates.push({ doc: room.name, update: p.update })
      const parsed = room.parsed
      if (parsed && room.projectedMap !== undefined) {
        const map = room.doc.getMap(room.projectedMap)
        for (const [itemKey, origin] of room.changedKeys) {
          const entry = map.get(itemKey)
          const change: ProjectedChange =
            parsed.kind === 'labels'
              ? {
                  kind: 'label',
                  project: parsed.project,
                  annotator: parsed.annotator,
                  itemKey,
                  entry,
                }
              : { kind: 'adjudication', project: parsed.project, itemKey, entry }
          changes.push(change)
          changeOrigins.set(change, origin)
        }
        room.changedKeys = new Map()
      }
      // State revealed to a peer is computed now, while it equals what this commit makes durable.
      const sends = room.deferred.map((d) => ({ to: d.to, frame: d.make() }))
      room.deferred = []
      const rows = merged ? 1 : pending.length
      room.inFlight++
      return { room, pending, merged, rows, sends, written: applied.get(room) ?? [] }
    })
    const batch: CommitBatch = { updates, changes }
    this.commitChain = this.commitChain.then(async () => {
      try {
        const result = await this.opts.store.commit(batch)
        const acks = new Map<Connection, Uint8Array[]>()
        for (const { room, pending, merged, rows, sends, written } of work) {
          room.inFlight--
          room.logRows += rows
          const last = result.lastSeqs?.get(room.name)
          // Rows right above the watermark are this commit's own; one above a gap is not, and
          // the gap (another writer's rows) is read by the next look.
          if (last !== undefined && last - rows === room.watermark) room.watermark = last
          if (room.closed) continue
          if (merged) {
            // Its writers get their own edits back too, as from the reference server: applying
            // them is a no-op, and one shared frame costs less than one merge per peer.
            const frame = encodeUpdate(merged)
            for (const conn of room.conns.keys()) conn.send(frame)
          } else {
            for (const { update, origins } of pending) {
              const frame = encodeUpdate(update)
              // A lone writer already has its edit; a batch of several goes to all (see above).
              const skip = origins.length === 1 ? origins[0] : undefined
              for (const conn of room.conns.keys()) if (conn !== skip) conn.send(frame)
            }
          }
          for (const { update, origin } of written) {
            if (origin instanceof Connection && origin.info.ack) {
              acks.set(origin, [...(acks.get(origin) ?? []), update])
            }
          }
          for (const { to, frame } of sends) if (room.conns.has(to)) to.send(frame)
          this.maybeCompact(room)
          this.maybeIdle(room)
        }
        if (changes.length > 0 && this.opts.onProjected) {
          this.opts.onProjected(new Set(changes.map((ch) => ch.project)))
        }
        // Every commit reaches the disk soon, acked or not (rule 11): a writer that asked for
        // acks is told once its fsync is done; the rest share one fsync per short window. Both
        // are asked for after the broadcast, which never waits for them, nor does the next
        // commit; acks still leave in commit order.
        if (acks.size > 0) this.sendAcksWhenDurable(acks, work)
        else this.opts.store.durableSoon()
        for (const { change, reason } of result.rejected) {
          const what = change.kind === 'label' ? 'label' : 'adjudication'
          this.opts.log.warn(`${what} kept out of the projection`, {
            doc:
              change.kind === 'label'
                ? `labels/${change.project}/${change.annotator}`
                : `review/${change.project}`,
            item: change.itemKey,
            reason,
          })
          changeOrigins.get(change)?.send(
            encodeNotice({
              level: 'error',
              message: `${what} for item ${change.itemKey}: ${reason}`,
              item: change.itemKey,
            }),
          )
        }
        waiter.resolve()
      } catch (err) {
        this.opts.log.error('commit failed; affected rooms are reloaded from disk', {
          error: err instanceof Error ? err.message : String(err),
          rooms: work.map((w) => w.room.name),
        })
        // Memory now holds changes the disk does not: drop the rooms so that they reload from
        // the log, and close their peers, who still hold their edits and resend on reconnect.
        for (const { room } of work) {
          room.inFlight--
          this.evict(room, CloseCode.internalError, 'could not persist; reconnect to retry')
        }
        waiter.reject(err)
      }
    })
  }

  /**
   * Compacts a room's log once it passes `compactAfterUpdates` rows and the room has gone
   * `compactQuietMs` without a commit, or at once past `compactBusyAfterUpdates` (SPEC.md rule 8).
   * Called after a commit has been broadcast, never before. A busy document's fold is out of date
   * as soon as it is written and takes CPU from the relay: folding a 100-edit/s document every
   * 5 s cost the server a fifth more CPU in the bench's `1doc` run (bench/README.md, session 20).
   */
  private maybeCompact(room: Room): void {
    if (this.closed || room.logRows <= this.opts.compactAfterUpdates) return
    if (room.logRows > this.opts.compactBusyAfterUpdates) {
      this.compact(room)
      return
    }
    if (room.quietTimer === undefined) this.waitForQuiet(room)
    else room.commitsSinceQuietCheck++
  }

  /**
   * Checks every `compactQuietMs` whether the room committed since the last look: one timer per
   * room however fast it commits, at the price of a quiet spell of up to twice the setting.
   */
  private waitForQuiet(room: Room): void {
    room.commitsSinceQuietCheck = 0
    room.quietTimer = this.opts.timers.setTimeout(() => {
      room.quietTimer = undefined
      if (this.closed) return
      if (room.commitsSinceQuietCheck > 0) this.waitForQuiet(room)
      // The log is on disk: an unloaded room's compacts as well as a loaded one's.
      else this.compact(room)
    }, this.opts.compactQuietMs)
  }

  private compact(room: Room): void {
    const doc = room.name
    if (this.compacting.has(doc)) return
    const retryAt = this.compactionRetryAt.get(doc)
    if (retryAt !== undefined && this.opts.clock.now() < retryAt) return
    const done = this.opts.store.compact(doc).then(
      ({ folded }) => {
        this.compactionRetryAt.delete(doc)
        // The store counts rows the server did not write too; a reloaded room recounts anyway.
        if (folded > 0) room.logRows = Math.max(1, room.logRows - folded + 1)
      },
      (err: unknown) => {
        this.compactionRetryAt.set(doc, this.opts.clock.now() + COMPACTION_RETRY_MS)
        this.opts.log.warn('could not compact a document log; it stays whole, retrying later', {
          doc,
          rows: room.logRows,
          error: err instanceof Error ? err.message : String(err),
        })
      },
    )
    this.compacting.set(doc, done)
    void done.finally(() => this.compacting.delete(doc))
  }

  /** An ack tells the writer it may forget its copy: only once the disk has it (rule 11). */
  private sendAcksWhenDurable(
    acks: Map<Connection, Uint8Array[]>,
    work: ReadonlyArray<{ room: Room }>,
  ): void {
    this.opts.store.durable().then(
      () => {
        for (const [conn, updates] of acks) conn.send(encodeAck(updates))
      },
      (err: unknown) => {
        this.opts.log.error('could not make a commit durable; its writers are not acknowledged', {
          error: err instanceof Error ? err.message : String(err),
          rooms: work.map((w) => w.room.name),
        })
        // The writers keep their edits until acknowledged; reconnecting makes them resend.
        for (const conn of acks.keys()) conn.close(CloseCode.internalError, 'could not persist')
      },
    )
  }

  // ---- other writers ----------------------------------------------------------------------

  /**
   * Every `watchOthersMs`, when another connection has committed, reads the rows above each loaded
   * room's watermark, applies them and sends what they added to the room's peers: they are on
   * disk already. The server's own rows come back only when another writer's sit below them.
   */
  private watchOthers(): void {
    const others = this.others
    if (!others || this.closed) return
    this.watchTimer = this.opts.timers.setTimeout(() => {
      this.watchTimer = undefined
      const changed = others.changed()
      const look = changed || this.lookAgain ? this.absorbOthers(others) : Promise.resolve()
      void look.finally(() => this.watchOthers())
    }, this.opts.watchOthersMs!)
  }

  private async absorbOthers(others: LogWatch): Promise<void> {
    this.lookAgain = false
    const message = (err: unknown): string => (err instanceof Error ? err.message : String(err))
    for (const room of [...this.rooms.values()]) {
      let rows: Array<{ seq: number; update: Uint8Array }>
      try {
        rows = await others.rowsAfter(room.name, room.watermark)
      } catch (err) {
        this.lookAgain = true
        this.opts.log.warn('could not read rows another writer appended; retrying', {
          doc: room.name,
          error: message(err),
        })
        continue
      }
      if (room.closed || rows.length === 0) continue
      // Not read again even if Yjs refuses them: a reload of the document would fail the same way.
      room.watermark = Math.max(room.watermark, rows[rows.length - 1]!.seq)
      let added: Uint8Array | undefined
      try {
        added = room.absorb(rows.map((r) => r.update))
      } catch (err) {
        this.opts.log.error('rows another writer appended could not be applied', {
          doc: room.name,
          error: message(err),
        })
        continue
      }
      if (added) {
        const frame = encodeUpdate(added)
        for (const conn of room.conns.keys()) conn.send(frame)
      }
      // Labels the other writer changed are projected again from the merged document.
      if (room.changedKeys.size > 0) this.markDirty(room)
    }
  }

  // ---- lifecycle --------------------------------------------------------------------------

  /** @internal */
  touch(room: Room): void {
    if (room.idleTimer !== undefined) {
      this.opts.timers.clearTimeout(room.idleTimer)
      room.idleTimer = undefined
    }
  }

  /** @internal Schedules unloading a room nobody is in. */
  maybeIdle(room: Room): void {
    if (room.closed || room.conns.size > 0 || room.idleTimer !== undefined) return
    room.idleTimer = this.opts.timers.setTimeout(() => {
      room.idleTimer = undefined
      if (room.conns.size > 0 || room.closed) return
      if (room.busy) return this.maybeIdle(room)
      this.rooms.delete(room.name)
      room.destroy()
    }, this.opts.idleUnloadMs)
  }

  private evict(room: Room, code: CloseCodeValue, reason: string): void {
    if (room.closed) return
    this.touch(room)
    this.rooms.delete(room.name)
    this.dirty.delete(room)
    for (const conn of [...room.conns.keys()]) {
      if (conn instanceof Connection) conn.close(code, reason)
    }
    room.destroy()
  }

  /** Waits for every pending change to be durable (used at shutdown and by tests). */
  async drain(): Promise<void> {
    if (this.flushScheduled || this.dirty.size > 0) await this.nextCommit.promise.catch(() => {})
    await this.commitChain
    // Compactions under way finish; those still waiting for a quiet spell are not changes.
    await Promise.all(this.compacting.values())
  }

  async close(): Promise<void> {
    await this.drain()
    this.closed = true
    if (this.watchTimer !== undefined) this.opts.timers.clearTimeout(this.watchTimer)
    for (const room of [...this.rooms.values()]) {
      this.touch(room)
      if (room.quietTimer !== undefined) this.opts.timers.clearTimeout(room.quietTimer)
      for (const conn of [...room.conns.keys()]) {
        if (conn instanceof Connection) conn.close(CloseCode.goingAway, 'server shutting down')
      }
      room.destroy()
    }
    this.rooms.clear()
  }

  /**
   * Closes every connection of `user` with `code` (their sessions were revoked or the account
   * disabled); returns how many. A peer that reconnects is authorized afresh, with whatever
   * session it still has.
   */
  closeUserConnections(user: string, code: CloseCodeValue, reason: string): number {
    let closed = 0
    for (const room of this.rooms.values()) {
      for (const conn of [...room.conns.keys()]) {
        if (conn instanceof Connection && conn.info.user === user) {
          conn.close(code, reason)
          closed++
        }
      }
    }
    return closed
  }
}

function deferred(): {
  promise: Promise<void>
  resolve: () => void
  reject: (e: unknown) => void
} {
  let resolve!: () => void
  let reject!: (e: unknown) => void
  const promise = new Promise<void>((res, rej) => {
    resolve = res
    reject = rej
  })
  // A commit nobody waits for must not crash the process as an unhandled rejection.
  promise.catch(() => undefined)
  return { promise, resolve, reject }
}

/** One peer in one room. Frames received before the room has loaded wait in order. */
export class Connection implements Origin {
  private room: Room | undefined
  private queue: Uint8Array[] | undefined = []
  private readonly bucket: TokenBucket
  private open = true

  constructor(
    private readonly server: SyncServer,
    private readonly socket: SocketLike,
    readonly info: ConnectionInfo,
    private readonly opts: SyncServerOptions,
  ) {
    this.bucket = new TokenBucket(opts.socketMessagesPerSecond, opts.socketMessageBurst, opts.clock)
    server.room(info.room).then(
      (room) => this.attach(room),
      (err: unknown) => {
        opts.log.error('could not load room', {
          room: info.room,
          error: err instanceof Error ? err.message : String(err),
        })
        this.close(CloseCode.internalError, 'could not load document')
      },
    )
  }

  send(frame: Uint8Array): void {
    if (this.open) this.socket.send(frame)
  }

  private attach(room: Room): void {
    if (!this.open) {
      this.server.maybeIdle(room)
      return
    }
    this.room = room
    this.server.touch(room)
    room.conns.set(this, new Set())
    // Step 1 asks the peer for what the server lacks; its answer carries the peer's offline edits.
    this.send(encodeSyncStep1(room.doc))
    const states = room.awareness.getStates()
    if (states.size > 0) {
      this.send(
        encodeAwareness(
          awarenessProtocol.encodeAwarenessUpdate(room.awareness, [...states.keys()]),
        ),
      )
    }
    const queued = this.queue ?? []
    this.queue = undefined
    for (const frame of queued) {
      if (!this.open) break
      this.handle(frame)
    }
  }

  /** Called by the transport for every binary frame. */
  receive(frame: Uint8Array): void {
    if (!this.open) return
    this.opts.onActivity?.()
    if (!this.bucket.take()) {
      this.close(CloseCode.flood, 'too many messages; slow down')
      return
    }
    if (this.queue) this.queue.push(frame)
    else this.handle(frame)
  }

  private handle(frame: Uint8Array): void {
    const room = this.room
    if (!room || room.closed) return
    let message: ClientMessage
    try {
      message = decodeClientMessage(frame)
    } catch (err) {
      const reason = err instanceof FrameError ? err.message : 'malformed frame'
      this.opts.log.warn('closing connection after a bad frame', {
        room: this.info.room,
        user: this.info.user,
        reason,
      })
      this.close(CloseCode.malformed, reason)
      return
    }
    switch (message.type) {
      case 'step1': {
        const make = (): Uint8Array => encodeSyncStep2(room.doc, message.stateVector)
        // Never show a peer state that is not yet durable (SPEC.md rule 3).
        if (room.busy) {
          room.deferred.push({ to: this, make })
          this.server.markDirty(room)
        } else this.send(make())
        return
      }
      case 'step2':
      case 'update': {
        if (message.empty) return
        if (this.info.access !== 'write') {
          this.send(encodePermissionDenied(`read-only access to ${this.info.room}: update refused`))
          return
        }
        // Applied with the rest of the turn's updates at the next group commit (Room.applyIncoming).
        room.incoming.push({
          update: message.update,
          origin: this,
          rootEntries: message.rootEntries,
        })
        this.server.markDirty(room)
        return
      }
      case 'awareness': {
        // A peer speaks for the clients it introduced or that nobody owns yet. The official
        // client echoes other peers' states back, so entries owned elsewhere are dropped, not
        // treated as an attack.
        const allowed = message.clients.filter((entry) => {
          for (const [other, ids] of room.conns) {
            if (other !== this && ids.has(entry.clientId)) return false
          }
          return true
        })
        if (allowed.length === 0) return
        const update =
          allowed.length === message.clients.length
            ? message.update
            : encodeAwarenessEntries(allowed)
        awarenessProtocol.applyAwarenessUpdate(room.awareness, update, this)
        return
      }
      case 'queryAwareness': {
        const states = room.awareness.getStates()
        this.send(
          encodeAwareness(
            awarenessProtocol.encodeAwarenessUpdate(room.awareness, [...states.keys()]),
          ),
        )
        return
      }
    }
  }

  /** The transport closed, or the server closes this connection. Idempotent. */
  close(code?: CloseCodeValue, reason?: string): void {
    if (!this.open) return
    this.open = false
    const room = this.room
    if (room) {
      const owned = room.conns.get(this)
      room.conns.delete(this)
      if (owned && owned.size > 0 && !room.closed) {
        awarenessProtocol.removeAwarenessStates(room.awareness, [...owned], null)
      }
      this.server.maybeIdle(room)
    }
    if (code !== undefined) this.socket.close(code, reason ?? '')
  }
}
