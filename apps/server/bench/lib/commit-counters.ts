// BENCH-ONLY diagnostics, on with CONCORD_BENCH_COUNTERS=1: wraps the DocStore that Concord's
// SyncServer commits through (a private field, reached by a cast) to count group commits and time
// them, and prints one `BENCH_COUNTERS {json}` line when the process exits. Read-only: the batch
// and the result pass through unchanged.
import type { DocStore } from '../../src/sync/doc-store'
import type { SyncServer } from '../../src/sync/sync-server'

export interface CommitCounters {
  commits: number
  updates: number
  rooms: number
  commitMsTotal: number
  commitMsP50: number
  commitMsP99: number
  commitMsMax: number
  maxUpdatesPerCommit: number
}

export function installCommitCounters(sync: SyncServer): void {
  const opts = (sync as unknown as { opts?: { store?: DocStore } }).opts
  const store = opts?.store
  if (!store) {
    process.stderr.write('BENCH_COUNTERS unavailable: SyncServer has no opts.store\n')
    return
  }
  const durations: number[] = []
  let updates = 0
  let rooms = 0
  let maxUpdates = 0
  const commit = store.commit.bind(store)
  store.commit = async (batch) => {
    const t0 = performance.now()
    try {
      return await commit(batch)
    } finally {
      durations.push(performance.now() - t0)
      updates += batch.updates.length
      rooms += new Set(batch.updates.map((u) => u.doc)).size
      maxUpdates = Math.max(maxUpdates, batch.updates.length)
    }
  }
  process.on('exit', () => {
    const sorted = [...durations].sort((a, b) => a - b)
    const q = (p: number): number =>
      sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]! : 0
    const r2 = (x: number): number => Math.round(x * 100) / 100
    const counters: CommitCounters = {
      commits: durations.length,
      updates,
      rooms,
      commitMsTotal: r2(durations.reduce((a, b) => a + b, 0)),
      commitMsP50: r2(q(0.5)),
      commitMsP99: r2(q(0.99)),
      commitMsMax: r2(sorted[sorted.length - 1] ?? 0),
      maxUpdatesPerCommit: maxUpdates,
    }
    process.stdout.write(`BENCH_COUNTERS ${JSON.stringify(counters)}\n`)
  })
}
