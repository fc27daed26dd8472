import { close, closeSync, fdatasync, fstat, fsyncSync, open, openSync, stat } from 'node:fs'
import { dirname } from 'node:path'

/**
 * Makes committed SQLite transactions durable without blocking the event loop.
 *
 * SQLite with synchronous=FULL fsyncs the write-ahead log inside every commit, on the calling
 * thread; better-sqlite3 runs on the event loop, so every sync peer waited for the disk on every
 * commit. The database runs with synchronous=NORMAL instead (a commit only writes the WAL) and
 * this flusher fsyncs the WAL file on libuv's thread pool. Whoever must not reveal a commit
 * before it is durable (the sync server's broadcast, a REST reply) awaits `flush()`. fsync acts
 * on the file, not the descriptor, so our own descriptor covers SQLite's writes.
 *
 * Flushes coalesce: callers arriving while an fsync runs share the next one, because their
 * commits may postdate the running fsync's start. Commits nobody waits on (a sync peer that asked
 * for no acks) ask with `flushSoon` instead and share one fsync per window: on this project's
 * 2-core machine an fsync costs ~0.3 ms of kernel CPU, one per edit of a lone busy document.
 *
 * The flush is an fdatasync, as SQLite's own is on Linux: it writes the data and whatever is
 * needed to read it back (the size, when the log grew), but not the timestamps every commit
 * changes, so flushing a log that SQLite rewrites in place after a checkpoint no longer costs a
 * file-system journal commit each time. On `1doc` (bench/README.md) server CPU went
 * from 1.56 to 1.44 s per run and the median p99 of 5 repeats from 6.6 to 5.5 ms.
 */
export class WalFlusher {
  private fd: number | undefined
  private ino: number | undefined
  private running: Promise<void> | undefined
  private queued: Promise<void> | undefined
  private soon: ReturnType<typeof setTimeout> | undefined
  private closed = false

  /** @param fsyncFile the flush to use (fdatasync); tests pass one that counts or delays. */
  constructor(
    private readonly walPath: string,
    private readonly fsyncFile: typeof fdatasync = fdatasync,
  ) {
    // The WAL's directory entry must itself be on disk for the file to be found after a crash.
    syncDirectory(dirname(walPath))
  }

  flush(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('database is closed'))
    // Whatever a pending flushSoon was to cover was committed before now: this flush covers it.
    this.cancelSoon()
    if (this.running === undefined) {
      this.running = this.fsyncOnce().finally(() => {
        this.running = undefined
      })
      return this.running
    }
    // One queued fsync starts when the running one ends and serves every caller until then.
    this.queued ??= this.running
      .catch(() => {})
      .then(() => {
        this.queued = undefined
        return this.flush()
      })
    return this.queued
  }

  /**
   * Makes what is committed now durable within `withinMs`, without a promise to wait on: one
   * fsync serves every call in the window. `onError` hears of a failed fsync.
   */
  flushSoon(withinMs: number, onError: (err: unknown) => void): void {
    if (this.closed || this.soon !== undefined) return
    this.soon = setTimeout(() => {
      this.soon = undefined
      this.flush().catch(onError)
    }, withinMs)
  }

  close(): void {
    this.cancelSoon()
    this.closed = true
    if (this.fd !== undefined) closeSync(this.fd)
    this.fd = undefined
  }

  private cancelSoon(): void {
    if (this.soon === undefined) return
    clearTimeout(this.soon)
    this.soon = undefined
  }

  private async fsyncOnce(): Promise<void> {
    const fd = await this.descriptor()
    // No log file: nothing was committed through it since SQLite last folded it into the
    // database file (which SQLite syncs itself).
    if (fd === undefined) return
    await new Promise<void>((resolve, reject) =>
      this.fsyncFile(fd, (err) => (err ? reject(err) : resolve())),
    )
  }

  /**
   * Our descriptor to the WAL, reopened if SQLite replaced the file (an fsync of a deleted inode
   * would succeed and protect nothing).
   */
  private async descriptor(): Promise<number | undefined> {
    if (this.fd !== undefined) {
      const fd = this.fd
      const current = await statIno(this.walPath)
      if (current === this.ino) return fd
      this.fd = undefined
      close(fd, () => {})
    }
    const fd = await new Promise<number | undefined>((resolve, reject) =>
      open(this.walPath, 'r+', (err, fd) =>
        err ? (err.code === 'ENOENT' ? resolve(undefined) : reject(err)) : resolve(fd),
      ),
    )
    if (fd === undefined) return undefined
    this.ino = await new Promise<number>((resolve, reject) =>
      fstat(fd, (err, st) => (err ? reject(err) : resolve(st.ino))),
    )
    if (this.closed) {
      close(fd, () => {})
      throw new Error('database is closed')
    }
    this.fd = fd
    return fd
  }
}

function statIno(path: string): Promise<number | undefined> {
  return new Promise((resolve) => stat(path, (err, st) => resolve(err ? undefined : st.ino)))
}

function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r')
    try {
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
  } catch {
    // Some file systems refuse fsync on directories; the file's own fsync still applies.
  }
}
