import { existsSync } from 'node:fs'
import { systemClock } from '../clock'
import type { ServerContext } from '../context'
import { createLogger } from '../logger'
import { resolveOptions } from '../options'
import type { CliIo } from './cli-io'
import { UsageError } from './usage-error'

export interface OfflineContext extends ServerContext {
  close(): Promise<void>
}

/** The `--data-dir` option every offline command takes. */
export const DATA_DIR_OPTION = { 'data-dir': { type: 'string' } } as const

export const DATA_DIR_HELP =
  '  --data-dir D    the data directory (default: $CONCORD_DATA_DIR or ./.data)'

/**
 * A ServerContext on the data directory's database without a server: documents are changed
 * through the update log, exactly as a server would persist them. A server running on the same
 * directory meanwhile is fine (SQLite WAL): it finds the rows appended to documents it holds
 * within a second and sends them to their peers (sync SPEC.md rule 12).
 *
 * `mustExist`: refuse a directory without a database instead of creating one (for commands that
 * only read).
 */
export async function openOfflineContext(
  dataDir: string | undefined,
  io: CliIo,
  { mustExist = false } = {},
): Promise<OfflineContext> {
  let options
  try {
    options = resolveOptions({ ...(dataDir !== undefined && { dataDir }), quiet: true }, io.env)
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err))
  }
  if (mustExist && !existsSync(options.dbFile)) {
    throw new UsageError(
      `no Concord database in ${options.dataDir} (run 'concord serve' once, or pass --data-dir)`,
    )
  }
  // Loaded here, not up front: `--help` and usage errors answer without loading the database stack.
  const { openDatabase } = await import('../db/open-database')
  const { createLogDocWriter } = await import('../sync/log-doc-writer')
  const database = await openDatabase(options.dbFile)
  const log = createLogger(true)
  const docs = createLogDocWriter(database.db, systemClock, log, database.durable)
  return {
    db: database.db,
    durable: database.durable,
    options,
    clock: systemClock,
    docs,
    log,
    close: async () => {
      await docs.close()
      await database.close()
    },
  }
}

/** Runs `fn` with an offline context and closes it, whatever happens. */
export async function withOfflineContext<T>(
  dataDir: string | undefined,
  io: CliIo,
  fn: (ctx: OfflineContext) => Promise<T>,
  opts: { mustExist?: boolean } = {},
): Promise<T> {
  const ctx = await openOfflineContext(dataDir, io, opts)
  try {
    return await fn(ctx)
  } finally {
    await ctx.close()
  }
}
