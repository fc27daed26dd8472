import { stat } from 'node:fs'
import type { Worker } from 'node:worker_threads'
import type SQLite from 'better-sqlite3'
import { spawnWorker } from '../workers/spawn-worker'
import { stopWorker } from '../workers/stop-worker'

const WORKER = new URL('./checkpoint-worker.mjs', import.meta.url)

export interface CheckpointReport {
  readonly ok: boolean
  readonly log?: number
  readonly checkpointed?: number
  readonly error?: string
}

/**
 * Moves SQLite's WAL checkpoints off the event loop. By default SQLite checkpoints inside the
 * commit that crosses 1,000 log pages, copying pages and fsyncing twice on the committing thread,
 * which stalled every sync peer for tens of milliseconds. Here the serving connection never
 * checkpoints; a worker thread with its own connection runs a PASSIVE checkpoint (which never
 * blocks the writer) every CHECKPOINT_INTERVAL_MS while the log is being written. If the worker fails, the
 * serving connection takes checkpoints back, so the log cannot grow without bound.
 */
/**
 * Ten seconds, not one: a checkpoint fsyncs the log while commits append to it, and on two cores
 * the commits that met one were the tail of sync latency (1-document load: commit p99 0.58 ms
 * with a checkpoint every second, 0.22 ms every ten; p99 delivery 1.17x the reference server's,
 * then 0.84x). The log holds at most ten seconds of writes between checkpoints.
 */
export const CHECKPOINT_INTERVAL_MS = 10_000

export class BackgroundCheckpoints {
  private readonly worker: Worker
  private readonly timer: NodeJS.Timeout
  private lastMtime = 0
  private inFlight = false
  private stopped = false
  /** Called with each checkpoint's outcome (tests and benchmarks listen). */
  onReport: (report: CheckpointReport) => void = () => {}

  constructor(
    private readonly file: string,
    private readonly sqlite: SQLite.Database,
    intervalMs = CHECKPOINT_INTERVAL_MS,
  ) {
    sqlite.pragma('wal_autocheckpoint = 0')
    this.worker = spawnWorker(WORKER, { file }, 'concord-checkpoints')
    this.worker.unref()
    this.worker.on('message', (msg: CheckpointReport | { ready: true }) => {
      if ('ready' in msg) return
      this.inFlight = false
      this.onReport(msg)
    })
    this.worker.on('error', (err) => this.fallBack(err))
    this.timer = setInterval(() => this.tick(), intervalMs)
    this.timer.unref()
  }

  /** Asks for a checkpoint now (when one is not already running). */
  request(): void {
    if (this.stopped || this.inFlight) return
    this.inFlight = true
    this.worker.postMessage('checkpoint')
  }

  async stop(): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    clearInterval(this.timer)
    await stopWorker(this.worker, 'close')
  }

  private tick(): void {
    stat(`${this.file}-wal`, (err, st) => {
      if (err || this.stopped || st.mtimeMs === this.lastMtime) return
      this.lastMtime = st.mtimeMs
      this.request()
    })
  }

  private fallBack(err: Error): void {
    if (this.stopped) return
    this.stopped = true
    clearInterval(this.timer)
    this.sqlite.pragma('wal_autocheckpoint = 1000')
    this.onReport({ ok: false, error: `checkpoint worker failed: ${err.message}` })
  }
}
