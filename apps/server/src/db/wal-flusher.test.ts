import { fstatSync, mkdtempSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { fsync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { WalFlusher } from './wal-flusher'

const dirs: string[] = []
afterEach(() => {
  while (dirs.length > 0) rmSync(dirs.pop()!, { recursive: true, force: true })
})

function walFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'concord-wal-'))
  dirs.push(dir)
  const path = join(dir, 'concord.db-wal')
  writeFileSync(path, 'frames')
  return path
}

/** An fsync that records which inode it synced and finishes only when released. */
function gatedFsync() {
  const calls: Array<{ ino: number; release: () => void }> = []
  const impl = ((fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => {
    calls.push({ ino: fstatSync(fd).ino, release: () => fsync(fd, cb) })
  }) as typeof fsync
  return { calls, impl }
}

const tick = () => new Promise((r) => setTimeout(r, 5))

describe('WalFlusher', () => {
  it('resolves only after an fsync of the log file has finished', async () => {
    const path = walFile()
    const gate = gatedFsync()
    const flusher = new WalFlusher(path, gate.impl)
    let done = false
    const flushed = flusher.flush().then(() => (done = true))
    await tick()
    expect(gate.calls.map((c) => c.ino)).toEqual([statSync(path).ino])
    expect(done).toBe(false)
    gate.calls[0]!.release()
    await flushed
    expect(done).toBe(true)
    flusher.close()
  })

  it('serves every caller that arrives during an fsync with exactly one more', async () => {
    const gate = gatedFsync()
    const flusher = new WalFlusher(walFile(), gate.impl)
    const first = flusher.flush()
    await tick()
    const later = Array.from({ length: 10 }, () => flusher.flush())
    await tick()
    expect(gate.calls).toHaveLength(1)
    gate.calls[0]!.release()
    await first
    await tick()
    // The later callers' writes may postdate the first fsync's start: they need their own.
    expect(gate.calls).toHaveLength(2)
    gate.calls[1]!.release()
    await Promise.all(later)
    expect(gate.calls).toHaveLength(2)
    flusher.close()
  })

  it('flushSoon: one fsync per window for every call in it, none left after a flush or close', async () => {
    let fsyncs = 0
    const counting = ((fd: number, cb: (e: null) => void) => {
      fsyncs++
      cb(null)
    }) as typeof fsync
    const errors: unknown[] = []
    const flusher = new WalFlusher(walFile(), counting)
    for (let i = 0; i < 5; i++) flusher.flushSoon(20, (e) => errors.push(e))
    expect(fsyncs).toBe(0)
    await new Promise((r) => setTimeout(r, 60))
    expect(fsyncs).toBe(1)
    // A flush that starts after the request covers it: the window's fsync is not run as well.
    flusher.flushSoon(20, (e) => errors.push(e))
    await flusher.flush()
    await new Promise((r) => setTimeout(r, 60))
    expect(fsyncs).toBe(2)
    flusher.flushSoon(20, (e) => errors.push(e))
    flusher.close()
    await new Promise((r) => setTimeout(r, 60))
    expect(fsyncs).toBe(2)
    expect(errors).toEqual([])
  })

  it('flushSoon reports a failed fsync', async () => {
    const failing = ((fd: number, cb: (e: NodeJS.ErrnoException) => void) =>
      cb(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }))) as typeof fsync
    const flusher = new WalFlusher(walFile(), failing)
    const errors: unknown[] = []
    flusher.flushSoon(5, (e) => errors.push(e))
    await new Promise((r) => setTimeout(r, 40))
    expect(String(errors[0])).toContain('EIO')
    flusher.close()
  })

  it('follows the log file when SQLite replaces it', async () => {
    const path = walFile()
    const seen: number[] = []
    const counting = new WalFlusher(path, ((fd: number, cb: (e: null) => void) => {
      seen.push(fstatSync(fd).ino)
      cb(null)
    }) as typeof fsync)
    await counting.flush()
    unlinkSync(path)
    writeFileSync(path, 'new frames')
    await counting.flush()
    expect(seen).toEqual([seen[0], statSync(path).ino])
    expect(seen[1]).not.toBe(seen[0])
    counting.close()
  })

  it('has nothing to do while no log file exists, and refuses once closed', async () => {
    const path = walFile()
    unlinkSync(path)
    const flusher = new WalFlusher(path)
    await expect(flusher.flush()).resolves.toBeUndefined()
    flusher.close()
    await expect(flusher.flush()).rejects.toThrow('closed')
  })
})
