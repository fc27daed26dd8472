import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import SQLite from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { BackgroundCheckpoints, type CheckpointReport } from './background-checkpoints'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!()
})

function database() {
  const dir = mkdtempSync(join(tmpdir(), 'concord-ckpt-'))
  const file = join(dir, 'concord.db')
  const sqlite = new SQLite(file)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = NORMAL')
  sqlite.exec('create table t (n integer, pad blob)')
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  cleanups.push(() => {
    sqlite.close()
  })
  return { file, sqlite }
}

function nextReport(c: BackgroundCheckpoints): Promise<CheckpointReport> {
  return new Promise((resolve) => (c.onReport = resolve))
}

describe('BackgroundCheckpoints', () => {
  it('keeps checkpoints out of commits and folds the log back from its worker', async () => {
    const { file, sqlite } = database()
    const checkpoints = new BackgroundCheckpoints(file, sqlite, 60_000)
    cleanups.push(() => checkpoints.stop())
    expect(sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(0)
    const insert = sqlite.prepare('insert into t values (?, zeroblob(4000))')
    // 2,000 one-page commits: SQLite alone would have checkpointed inside one of them.
    for (let i = 0; i < 2000; i++) insert.run(i)
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(2000 * 4096)

    const report = nextReport(checkpoints)
    checkpoints.request()
    const r = await report
    expect(r.ok).toBe(true)
    expect(r.log).toBeGreaterThan(2000)
    expect(r.checkpointed).toBe(r.log)
  })

  it('checkpoints by itself while the log is being written', async () => {
    const { file, sqlite } = database()
    const checkpoints = new BackgroundCheckpoints(file, sqlite, 50)
    cleanups.push(() => checkpoints.stop())
    const report = nextReport(checkpoints)
    sqlite.prepare('insert into t values (1, null)').run()
    expect((await report).ok).toBe(true)
  })
})
