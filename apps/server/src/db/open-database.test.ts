import { existsSync, mkdtempSync, type fdatasync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { DURABLE_WITHIN_MS, openDatabase } from './open-database'
import { ensurePrivateDirectory } from './private-files'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const WAIT = { timeout: 5000, interval: 10 }

function countingFsync() {
  const state = { fsyncs: 0 }
  const impl = ((_fd: number, cb: (err: null) => void) => {
    state.fsyncs++
    cb(null)
  }) as typeof fdatasync
  return { state, impl }
}

function dbFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'concord-db-')), 'concord.db')
}

describe('openDatabase', () => {
  it('creates missing directories and migrates a new file', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'concord-db-')), 'a', 'b')
    const db = await openDatabase(join(dir, 'concord.db'))
    expect(existsSync(join(dir, 'concord.db'))).toBe(true)
    const tables = await db.db.introspection.getTables()
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining(['doc_updates', 'annotations', 'adjudications']),
    )
    await db.close()
  })

  // A timer never fires early, so "none yet" after less than the window cannot flake.
  it.each([
    { window: undefined, noneYetAt: DURABLE_WITHIN_MS - 50 },
    { window: DURABLE_WITHIN_MS + 300, noneYetAt: DURABLE_WITHIN_MS + 100 },
    { window: 0, noneYetAt: undefined },
  ])(
    'durableSoon fsyncs the log once, after the window (durableWithinMs $window)',
    async ({ window, noneYetAt }) => {
      const counting = countingFsync()
      const db = await openDatabase(dbFile(), { durableWithinMs: window, fsyncFile: counting.impl })
      db.sqlite.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)')
      for (let i = 0; i < 5; i++) db.durableSoon()
      if (noneYetAt !== undefined) {
        await sleep(noneYetAt)
        expect(counting.state.fsyncs).toBe(0)
      }
      await vi.waitFor(() => expect(counting.state.fsyncs).toBeGreaterThan(0), WAIT)
      await sleep(50)
      expect(counting.state.fsyncs).toBe(1)
      await db.close()
    },
  )

  it('reports a failed fsync that nobody awaited to onFlushError', async () => {
    const errors: string[] = []
    const failing = ((_fd: number, cb: (err: NodeJS.ErrnoException) => void) =>
      cb(
        Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }),
      )) as typeof fdatasync
    const db = await openDatabase(dbFile(), {
      durableWithinMs: 5,
      fsyncFile: failing,
      onFlushError: (message) => errors.push(message),
    })
    db.sqlite.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)')
    db.durableSoon()
    await vi.waitFor(() => expect(errors.length).toBeGreaterThan(0), WAIT)
    expect(errors).toEqual(['could not make commits durable: EIO: i/o error, fdatasync'])
    await expect(db.durable()).rejects.toThrow('EIO')
    await expect(db.close()).rejects.toThrow('EIO')
    expect(db.sqlite.open).toBe(false)
  })

  it.each([
    ['/proc/concord-cannot-be-here/data', /ENOENT|EACCES|EPERM/],
    ['/etc/passwd/data', /ENOTDIR|EEXIST/],
  ])('fails with an error, never hangs, for %s', (dir, code) => {
    expect(() => ensurePrivateDirectory(dir)).toThrow(code)
  })
})
