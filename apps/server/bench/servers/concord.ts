// Bench entry: one Concord server in its own process, persisting to SQLite in the data directory
// given as argv[2]. Prints `BENCH_READY <url> <pid>` once it listens.
//
// Unlike tests/helpers/run-server.ts it lifts the per-socket flood limit (a benchmark measures
// the server, not the limiter) unless CONCORD_BENCH_MSGS_PER_S is set, and it can answer a
// bench process over IPC (`gc`, `mem`) when started with --expose-gc (see ../lib/probe.mjs).
// CONCORD_BENCH_COMPACT_AFTER, CONCORD_BENCH_COMPACT_QUIET_MS and CONCORD_BENCH_COMPACT_BUSY_AFTER
// set log compaction (for A/B runs; 500, 1000 and 4000 as shipped). Quiet 0 and busy equal to
// the threshold compact as soon as a log is long (no wait for a quiet spell).
// CONCORD_BENCH_COUNTERS=1 installs ../lib/commit-counters.ts (group commit count and timing).
import { DEFAULTS, resolveOptions } from '../../src/options'
import { startServer } from '../../src/server'
import { installCommitCounters } from '../lib/commit-counters'

const dataDir = process.argv[2]
if (!dataDir) throw new Error('usage: concord.ts <dataDir>')
const env = process.env
const int = (raw: string | undefined, fallback: number): number =>
  raw === undefined || raw === '' ? fallback : Number(raw)

const options = resolveOptions({
  dataDir,
  port: 0,
  host: '127.0.0.1',
  seedDemo: false,
  adminPassword: env.CONCORD_ADMIN_PASSWORD ?? 'bench-admin-password',
  quiet: env.CONCORD_BENCH_VERBOSE !== '1',
  idleUnloadMs: int(env.CONCORD_IDLE_UNLOAD_MS, 30_000),
  socketMessagesPerSecond: int(env.CONCORD_BENCH_MSGS_PER_S, 1_000_000),
  socketMessageBurst: int(env.CONCORD_BENCH_MSG_BURST, 1_000_000),
  compactAfterUpdates: int(env.CONCORD_BENCH_COMPACT_AFTER, DEFAULTS.compactAfterUpdates),
  compactQuietMs: int(env.CONCORD_BENCH_COMPACT_QUIET_MS, DEFAULTS.compactQuietMs),
  // Unset: the server's own default, which never falls below the threshold.
  ...(env.CONCORD_BENCH_COMPACT_BUSY_AFTER
    ? { compactBusyAfterUpdates: Number(env.CONCORD_BENCH_COMPACT_BUSY_AFTER) }
    : {}),
})
const server = await startServer(options)
if (env.CONCORD_BENCH_COUNTERS === '1') installCommitCounters(server.sync)
process.stdout.write(`BENCH_READY ${server.url} ${process.pid}\n`)
let stopping = false
const stop = (): void => {
  if (stopping) return
  stopping = true
  void server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  )
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
