// What one group commit costs, in process (no server, no network): SqlDocStore.commit through
// Kysely over better-sqlite3, SqlDocStore.commit with its SqliteAppender (the append-only commit
// the server runs) and the same statements prepared once on the raw handle, with
// synchronous=FULL (an fsync inside every commit) and NORMAL (the server's setting: the fsync
// runs on the thread pool through WalFlusher, and only acks wait for it). Each commit carries
// one ~70-byte update, like the 10-client run where every edit is its own commit. "commit" is
// the time the event loop is blocked; "until on disk" adds the wait for the fsync where it runs
// off the loop.
//
//   npx tsx apps/server/bench/commit-cost.ts [--commits 2000]
import { parseArgs } from 'node:util'
import { join } from 'node:path'
import * as Y from 'yjs'
import { systemClock } from '../src/clock'
import { openDatabase } from '../src/db/open-database'
import { SqlDocStore } from '../src/sync/sql-doc-store'
import { fmt, table } from './lib/report'
import { isMain, tempDir, removeTempDir } from './lib/servers'

function makeUpdates(n: number): Uint8Array[] {
  const doc = new Y.Doc()
  const updates: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => updates.push(u))
  for (let i = 0; i < n; i++) {
    doc.transact(() => {
      doc.getMap('labels').set(`i${i}`, `0:${i}:1795442986238.123`)
      doc.getText('text').insert(0, 'abcdefgh')
    })
  }
  return updates
}

interface Row {
  how: string
  sync: string
  wall: number[]
  durable: number[]
  cpuMs: number
}

async function measure(
  how: 'kysely' | 'fast' | 'raw',
  sync: 'FULL' | 'NORMAL',
  updates: readonly Uint8Array[],
): Promise<Row> {
  const dir = tempDir('concord-commit-cost-')
  const db = await openDatabase(join(dir, 'concord.db'))
  db.sqlite.pragma(`synchronous = ${sync}`)
  const wall: number[] = []
  const durable: number[] = []
  const doc = 'booklet/b0'
  let commit: (u: Uint8Array) => Promise<unknown> | unknown
  if (how !== 'raw') {
    const store = new SqlDocStore(
      db.db,
      systemClock,
      db.durable,
      how === 'fast' ? { sqlite: db.sqlite } : {},
    )
    commit = (u) => store.commit({ updates: [{ doc, update: u }], changes: [] })
  } else {
    const max = db.sqlite.prepare(
      'select coalesce(max(seq), 0) as m from doc_updates where doc = ?',
    )
    const insert = db.sqlite.prepare(
      'insert into doc_updates (doc, seq, "update", created_at) values (?, ?, ?, ?)',
    )
    const tx = db.sqlite.transaction((u: Uint8Array) => {
      insert.run(doc, (max.get(doc) as { m: number }).m + 1, u, Date.now())
    })
    commit = (u) => tx(u)
  }
  const cpu0 = process.cpuUsage()
  for (const u of updates) {
    const t0 = performance.now()
    await commit(u)
    wall.push(performance.now() - t0)
    if (sync === 'NORMAL' && how !== 'raw') await db.durable()
    durable.push(performance.now() - t0)
  }
  const cpu = process.cpuUsage(cpu0)
  await db.close()
  removeTempDir(dir)
  return {
    how:
      how === 'kysely'
        ? 'SqlDocStore.commit, Kysely path'
        : how === 'fast'
          ? 'SqlDocStore.commit, SqliteAppender (the server)'
          : 'same SQL, prepared once (raw)',
    sync,
    wall,
    durable,
    cpuMs: (cpu.user + cpu.system) / 1000 / updates.length,
  }
}

export async function commitCost(commits = 2000): Promise<string> {
  const updates = makeUpdates(commits)
  const rows: Row[] = []
  for (const sync of ['FULL', 'NORMAL'] as const) {
    for (const how of ['kysely', 'fast', 'raw'] as const) {
      rows.push(await measure(how, sync, updates))
    }
  }
  const q = (xs: number[], p: number): number => {
    const s = [...xs].sort((a, b) => a - b)
    return s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]!
  }
  return [
    `### One group commit of one update, ${commits} commits in a row`,
    '',
    table(
      [
        'store',
        'synchronous',
        'commit ms p50',
        'p99',
        'max',
        'until on disk ms p50',
        'p99',
        'CPU ms per commit',
      ],
      rows.map((r) => [
        r.how,
        r.sync === 'NORMAL' && r.how.startsWith('SqlDocStore') ? 'NORMAL + WalFlusher' : r.sync,
        fmt(q(r.wall, 0.5), 2),
        fmt(q(r.wall, 0.99), 2),
        fmt(Math.max(...r.wall), 1),
        r.sync === 'NORMAL' && !r.how.startsWith('SqlDocStore')
          ? '(never synced)'
          : fmt(q(r.durable, 0.5), 2),
        r.sync === 'NORMAL' && !r.how.startsWith('SqlDocStore') ? '' : fmt(q(r.durable, 0.99), 2),
        fmt(r.cpuMs, 3),
      ]),
    ),
  ].join('\n')
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({ options: { commits: { type: 'string', default: '2000' } } })
  console.log(await commitCost(Number(values.commits)))
}
