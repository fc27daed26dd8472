import { existsSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, SqliteDialect } from 'kysely'
import type { Database } from './database'
import { migrateToLatest } from './migrate'

export interface OpenedDatabase {
  readonly db: Kysely<Database>
  /** The raw handle, for the few places that need a synchronous transaction or a checkpoint. */
  readonly sqlite: SQLite.Database
  close(): Promise<void>
}

/**
 * Opens (creating if needed) the SQLite file and migrates it. WAL lets readers run beside the
 * single writer; synchronous=FULL makes every committed update survive a power cut, not only a
 * process kill, which is what "nothing is ever lost" promises.
 */
export async function openDatabase(file: string): Promise<OpenedDatabase> {
  if (file !== ':memory:') ensureDirectory(dirname(file))
  const sqlite = new SQLite(file)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = FULL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) })
  try {
    await migrateToLatest(db as Kysely<unknown>)
  } catch (err) {
    await db.destroy()
    throw err
  }
  return {
    db,
    sqlite,
    close: async () => {
      await db.destroy()
    },
  }
}

/**
 * mkdir -p, one segment at a time. Node's recursive mkdirSync spins for ever on some pseudo file
 * systems (/proc); creating each missing segment ourselves turns every failure into an error.
 */
export function ensureDirectory(dir: string): void {
  const missing: string[] = []
  let current = dir
  while (!existsSync(current)) {
    missing.push(current)
    const parent = dirname(current)
    if (parent === current) break
    current = parent
  }
  for (const segment of missing.reverse()) mkdirSync(segment)
}
