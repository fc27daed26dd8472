import { foldUpdates } from './log-folder'

/**
 * The persistence port of the sync layer: an append-only log of Yjs updates per document plus
 * the projections derived from them, written in one atomic commit per batch. SPEC.md states the
 * rules every implementation keeps; doc-store.contract.ts checks them on each.
 */
/** A change to an entry that a projection follows: a label, or an adjudication. */
export type ProjectedChange = LabelChange | AdjudicationChange

export interface LabelChange {
  readonly kind: 'label'
  readonly project: string
  readonly annotator: string
  /** The labels map key: an item id. */
  readonly itemKey: string
  /** The entry as it now stands in the document; undefined when the key was deleted. */
  readonly entry: unknown
}

export interface AdjudicationChange {
  readonly kind: 'adjudication'
  readonly project: string
  /** The adjudications map key: an item id. */
  readonly itemKey: string
  readonly entry: unknown
}

export interface CommitBatch {
  readonly updates: ReadonlyArray<{ readonly doc: string; readonly update: Uint8Array }>
  readonly changes: readonly ProjectedChange[]
}

export interface CommitResult {
  /** Changes kept out of the projection, with the reason (unknown item, not in schema...). */
  readonly rejected: ReadonlyArray<{ readonly change: ProjectedChange; readonly reason: string }>
  /**
   * The sequence number of the last row each document got, when the store numbers its rows: a
   * server whose rows follow a room's watermark directly moves the watermark past them, so its
   * next look for other writers' rows (`others`) does not read its own back.
   */
  readonly lastSeqs?: ReadonlyMap<string, number>
}

export interface DocStore {
  /** Every stored update of `doc`, oldest first; empty for a new document. */
  load(doc: string): Promise<Uint8Array[]>
  /**
   * Appends and projects atomically: after a throw, nothing of the batch is stored. Once it
   * resolves, the batch survives the server process being killed, not yet a power cut.
   */
  commit(batch: CommitBatch): Promise<CommitResult>
  /**
   * Replaces the stored log of `doc` by one update holding the same document, built from what is
   * stored, not from a writer's memory: rows other writers append meanwhile are kept. Resolves
   * with the number of rows folded (0 when there was nothing to fold, or when another writer
   * compacted the same rows first). Atomic: after a throw the log is as it was.
   */
  compact(doc: string): Promise<{ folded: number }>
  /** Resolves once every commit that has resolved so far would also survive a power cut. */
  durable(): Promise<void>
  /** The same within a short window (`durableWithinMs`), for commits nobody waits on. */
  durableSoon(): void
  /**
   * Another writer of the same log: a store that can tell whether one (the CLI, on the same data
   * directory) committed since the last call, and read back rows by sequence number. A server on
   * such a store brings those rows into the documents it holds (SPEC.md rule 12).
   */
  readonly others?: LogWatch
}

export interface LogWatch {
  /** Whether another connection committed anything since the previous call (false at first). */
  changed(): boolean
  /** The highest sequence number in the log of `doc`, 0 for none. */
  lastSeq(doc: string): Promise<number>
  /** The stored updates of `doc` after sequence number `seq`, oldest first, with their numbers. */
  rowsAfter(doc: string, seq: number): Promise<Array<{ seq: number; update: Uint8Array }>>
}

/** Keeps the log in memory: for simulations and tests where the disk is not the point. */
export class MemoryDocStore implements DocStore {
  readonly logs = new Map<string, Uint8Array[]>()
  commits = 0
  /** Calls to durableSoon (nothing to do in memory). */
  soonRequests = 0
  /** Set to make the next commit fail, as a full disk would. */
  failNext: Error | undefined

  load(doc: string): Promise<Uint8Array[]> {
    return Promise.resolve([...(this.logs.get(doc) ?? [])])
  }

  commit(batch: CommitBatch): Promise<CommitResult> {
    if (this.failNext) {
      const err = this.failNext
      this.failNext = undefined
      return Promise.reject(err)
    }
    this.commits++
    for (const { doc, update } of batch.updates) {
      const log = this.logs.get(doc) ?? []
      log.push(update)
      this.logs.set(doc, log)
    }
    return Promise.resolve({ rejected: [] })
  }

  compact(doc: string): Promise<{ folded: number }> {
    const log = this.logs.get(doc) ?? []
    if (log.length < 2) return Promise.resolve({ folded: 0 })
    this.logs.set(doc, [foldUpdates(log)])
    return Promise.resolve({ folded: log.length })
  }

  durable(): Promise<void> {
    return Promise.resolve()
  }

  durableSoon(): void {
    this.soonRequests++
  }
}
