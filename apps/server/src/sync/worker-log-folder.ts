import type { Worker } from 'node:worker_threads'
import { spawnWorker } from '../workers/spawn-worker'
import { stopWorker } from '../workers/stop-worker'
import type { FoldedLog, LogFolder } from './log-folder'

const WORKER = new URL('./log-fold-worker.mjs', import.meta.url)

/**
 * Nice value of the fold thread: a compaction can wait, the event loop that relays edits cannot.
 * On two cores a fold at normal priority took the core the broadcast needed.
 */
const FOLD_NICE = 10

type Reply =
  | { ready: true }
  | { id: number; ok: true; folded?: FoldedLog }
  | { id: number; ok: false; error: string }

/**
 * Folds logs in a worker thread with its own read-only connection to the database file. Folding a
 * busy document (decoding every row, then encoding the whole document) took 3-6 ms on the event
 * loop, and every peer of every room waited for it. If the worker dies, folds continue on the
 * calling thread through `fallback`, as checkpoints fall back (BackgroundCheckpoints).
 */
export class WorkerLogFolder implements LogFolder {
  private readonly worker: Worker
  private readonly waiting = new Map<
    number,
    { resolve: (f: FoldedLog | undefined) => void; reject: (e: Error) => void }
  >()
  private nextId = 1
  private failed: Error | undefined
  private stopped = false

  constructor(
    file: string,
    private readonly fallback: LogFolder,
  ) {
    this.worker = spawnWorker(WORKER, { file }, 'concord-log-folds', { nice: FOLD_NICE })
    this.worker.unref()
    this.worker.on('message', (msg: Reply) => {
      if ('ready' in msg) return
      const waiter = this.waiting.get(msg.id)
      this.waiting.delete(msg.id)
      if (msg.ok) waiter?.resolve(msg.folded)
      else waiter?.reject(new Error(`could not fold the log: ${msg.error}`))
    })
    this.worker.on('error', (err) => this.fail(err))
    this.worker.on('exit', (code) => {
      if (!this.stopped) this.fail(new Error(`log fold worker exited with code ${code}`))
    })
  }

  fold(doc: string): Promise<FoldedLog | undefined> {
    if (this.failed || this.stopped) return this.fallback.fold(doc)
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject })
      this.worker.postMessage({ id, doc })
    })
  }

  /** Stops the worker; folds asked for afterwards run on the calling thread. */
  async stop(): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    this.rejectWaiting(new Error('log fold worker stopped'))
    if (this.failed) return
    await stopWorker(this.worker, 'close')
  }

  private fail(err: Error): void {
    if (this.failed) return
    this.failed = err
    this.rejectWaiting(err)
  }

  private rejectWaiting(err: Error): void {
    for (const { reject } of this.waiting.values()) reject(err)
    this.waiting.clear()
  }
}
