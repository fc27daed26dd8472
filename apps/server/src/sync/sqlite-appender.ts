import type SQLite from 'better-sqlite3'
import type { CommitBatch } from './doc-store'
import { sameRows, type FoldedLog, type LogRange } from './log-folder'

/** The highest sequence number in a document's log, 0 for none, on the raw handle. */
export function prepareMaxSeq(sqlite: SQLite.Database): SQLite.Statement<[string], number> {
  return sqlite
    .prepare<[string], number>('select coalesce(max(seq), 0) from doc_updates where doc = ?')
    .pluck()
}

/**
 * The commit of nearly every sync batch, updates appended to the log and nothing else, run
 * straight on better-sqlite3: two statements prepared once, in one synchronous transaction.
 * Through Kysely the same commit cost three times the event-loop time and ten times the CPU
 * (`bench/commit-cost.ts`: 0.10 against 0.03 ms at p50, 0.39 against 0.08 ms at p99), and under
 * sync load that difference was the tail of every peer's latency. Batches that touch the
 * projection keep the portable Kysely path. The write half of a compaction runs here too: it
 * happens while peers are editing.
 */
export class SqliteAppender {
  private readonly run: (updates: CommitBatch['updates'], now: number) => Map<string, number>
  private readonly replace: (doc: string, folded: FoldedLog, now: number) => boolean

  constructor(private readonly sqlite: SQLite.Database) {
    const maxSeq = prepareMaxSeq(sqlite)
    const insert = sqlite.prepare<[string, number, Uint8Array, number]>(
      'insert into doc_updates (doc, seq, "update", created_at) values (?, ?, ?, ?)',
    )
    this.run = sqlite.transaction((updates: CommitBatch['updates'], now: number) => {
      // Sequence numbers come from the log itself, as on the Kysely path, so that an offline
      // writer (the CLI) and the server never collide.
      const last = new Map<string, number>()
      for (const { doc, update } of updates) {
        const seq = (last.get(doc) ?? maxSeq.get(doc)!) + 1
        insert.run(doc, seq, update, now)
        last.set(doc, seq)
      }
      return last
    })
    const range = sqlite.prepare<[string, number], LogRange>(
      'select count(*) as rows, coalesce(min(seq), 0) as firstSeq, coalesce(max(seq), 0) as lastSeq' +
        ' from doc_updates where doc = ? and seq <= ?',
    )
    const deleteUpTo = sqlite.prepare<[string, number]>(
      'delete from doc_updates where doc = ? and seq <= ?',
    )
    this.replace = sqlite.transaction((doc: string, folded: FoldedLog, now: number) => {
      if (!sameRows(range.get(doc, folded.lastSeq)!, folded)) return false
      deleteUpTo.run(doc, folded.lastSeq)
      insert.run(doc, folded.lastSeq, folded.state, now)
      return true
    })
  }

  /**
   * Whether a commit can run now. Not while a transaction is open on the handle: a Kysely
   * transaction awaiting between its statements (a bulk model write, an import) holds it, and
   * this commit would land inside it; the Kysely path waits for it instead.
   */
  ready(): boolean {
    return !this.sqlite.inTransaction
  }

  /** Appends in one transaction; returns each document with the sequence number of its last row. */
  append(updates: CommitBatch['updates'], now: number): Map<string, number> {
    return this.run(updates, now)
  }

  /** SqlDocStore.compact's write: false, writing nothing, when the folded rows changed. */
  replaceLog(doc: string, folded: FoldedLog, now: number): boolean {
    return this.replace(doc, folded, now)
  }
}
