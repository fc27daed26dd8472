import type { Kysely } from 'kysely'
import type { Clock } from '../clock'
import type { DocWriter } from '../context'
import type { Database } from '../db/database'
import type { Logger } from '../logger'
import { DEFAULTS } from '../options'
import { nextTick, nodeTimers } from './node-timers'
import { SqlDocStore } from './sql-doc-store'
import { SyncServer } from './sync-server'

/**
 * A DocWriter for offline tools (the CLI): the same rooms, log and projection as the server,
 * without connections. A server running on the same data directory finds these rows within a
 * second and sends them to the peers of the documents it holds (SPEC.md rule 12).
 */
export function createLogDocWriter(
  db: Kysely<Database>,
  clock: Clock,
  log: Logger,
  durable: () => Promise<void>,
): DocWriter & { close(): Promise<void> } {
  return new SyncServer({
    store: new SqlDocStore(db, clock, durable),
    clock,
    log,
    schedule: nextTick,
    timers: nodeTimers,
    idleUnloadMs: 1000,
    // Nobody edits beside the CLI, and it exits soon: compact as soon as a log is long.
    compactAfterUpdates: DEFAULTS.compactAfterUpdates,
    compactQuietMs: 0,
    compactBusyAfterUpdates: DEFAULTS.compactAfterUpdates,
    socketMessagesPerSecond: DEFAULTS.socketMessagesPerSecond,
    socketMessageBurst: DEFAULTS.socketMessageBurst,
  })
}
