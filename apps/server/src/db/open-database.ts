import type { fdatasync } from 'node:fs'
import { dirname } from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, SqliteDialect } from 'kysely'
import type { Database } from './database'
import { migrateToLatest } from './migrate'
import { cachingStatements } from './statement-cache'
import { WalFlusher } from './wal-flusher'
import { BackgroundCheckpoints } from './background-checkpoints'
import { ensurePrivateDatabaseFiles, ensurePrivateDirectory } from './private-files'

export interface OpenedDatabase {
  readonly db: Kysely<Database>
  /** The raw handle, for the few places that need a synchronous transaction or a checkpoint. */
  readonly sqlite: SQLite.Database
  /**
   * Resolves once every transaction committed before the call is on stable storage. Await it
   * before revealing a write to anyone (a broadcast, an HTTP reply): commits themselves do not
   * wait for the disk.
   */
  durable(): Promise<void>
  /**
   * Asks for every transaction committed so far to be on stable storage within
   * `durableWithinMs` (default DURABLE_WITHIN_MS), without waiting: for commits nobody is told
   * about (sync peers that asked for no acks). A failure goes to `onFlushError`.
   */
  durableSoon(): void
  close(): Promise<void>
}

/**
 * How long a commit nobody waits on may stay short of stable storage by default (see
 * durableSoon). 200 ms, PostgreSQL's wal_writer_delay for asynchronous commits: on this
 * project's 2-core machine one fsync per 50 ms window cost the server ~0.5 s of CPU and ~0.2x of
 * the 1-document sync p99 against the in-memory reference server (bench/README.md, durability);
 * at 200 ms the fsyncs cost about as much as none. The writers of those commits asked for no
 * acks and still hold their edits, and every peer that saw them sends them back on reconnect.
 */
export const DURABLE_WITHIN_MS = 200

/**
 * Opens (creating if needed) the SQLite file and migrates it. WAL lets readers run beside the
 * single writer. Commits run with synchronous=NORMAL, which survives a process kill but not a
 * power cut by itself; `durable()` supplies the fsync of synchronous=FULL off the event loop (see
 * WalFlusher), which is what "nothing is ever lost" promises.
 */
export interface OpenOptions {
  /**
   * Checkpoint the log from a worker thread instead of inside commits (see
   * BackgroundCheckpoints). For the server; short-lived tools keep SQLite's default.
   */
  readonly backgroundCheckpoints?: boolean
  /** Where a failed checkpoint is reported. */
  readonly onCheckpointError?: (message: string) => void
  /** Where a failed fsync that nobody awaited (durableSoon) is reported. */
  readonly onFlushError?: (message: string) => void
  /** The window of durableSoon, in ms; default DURABLE_WITHIN_MS. */
  readonly durableWithinMs?: number
  /** The flush of the log (fdatasync); tests pass one that counts or fails. */
  readonly fsyncFile?: typeof fdatasync
  /** Where a data directory open to other users is reported (see ensurePrivateDirectory). */
  readonly onWarning?: (message: string) => void
}

export async function openDatabase(
  file: string,
  options: OpenOptions = {},
): Promise<OpenedDatabase> {
  // The database holds password hashes, session tokens and every label: owner only.
  if (file !== ':memory:') {
    ensurePrivateDirectory(dirname(file), options.onWarning)
    ensurePrivateDatabaseFiles(file, options.onWarning)
  }
  const sqlite = new SQLite(file)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = NORMAL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: cachingStatements(sqlite) }),
  })
  try {
    await migrateToLatest(db as Kysely<unknown>)
  } catch (err) {
    await db.destroy()
    throw err
  }
  const flusher = file === ':memory:' ? undefined : new WalFlusher(`${file}-wal`, options.fsyncFile)
  const checkpoints =
    options.backgroundCheckpoints && file !== ':memory:'
      ? new BackgroundCheckpoints(file, sqlite)
      : undefined
  if (checkpoints) {
    checkpoints.onReport = (r) => {
      if (!r.ok) options.onCheckpointError?.(r.error ?? 'checkpoint failed')
    }
  }
  return {
    db,
    sqlite,
    durable: () => flusher?.flush() ?? Promise.resolve(),
    durableSoon: () =>
      flusher?.flushSoon(options.durableWithinMs ?? DURABLE_WITHIN_MS, (err) =>
        options.onFlushError?.(
          `could not make commits durable: ${err instanceof Error ? err.message : String(err)}`,
        ),
      ),
    close: async () => {
      await checkpoints?.stop()
      // A failed last fsync is the caller's to hear of, but must not leave the file open.
      try {
        await flusher?.flush()
      } finally {
        flusher?.close()
        await db.destroy()
      }
    },
  }
}
