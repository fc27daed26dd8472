import type SQLite from 'better-sqlite3'
import type { SqliteDatabase, SqliteStatement } from 'kysely'

/**
 * Kysely's SQLite driver prepares every query afresh. The server runs the same few statements
 * thousands of times a second (the sync hot path), so this handle hands Kysely a prepared
 * statement per distinct SQL text, kept in a bounded LRU. Kysely still builds every query, so a
 * PostgreSQL dialect can replace this one unchanged.
 */
export function cachingStatements(sqlite: SQLite.Database, capacity = 256): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>()
  return {
    close: () => {
      cache.clear()
      sqlite.close()
    },
    prepare: (sql: string): SqliteStatement => {
      let stmt = cache.get(sql)
      if (stmt !== undefined) {
        // Map keeps insertion order: re-inserting marks this statement most recently used.
        cache.delete(sql)
      } else {
        stmt = sqlite.prepare(sql)
        if (cache.size >= capacity) cache.delete(cache.keys().next().value as string)
      }
      cache.set(sql, stmt)
      // A statement still being iterated (a streamed query) cannot run again until the
      // iteration ends: such a caller gets a fresh one.
      return stmt.busy ? sqlite.prepare(sql) : stmt
    },
  }
}
