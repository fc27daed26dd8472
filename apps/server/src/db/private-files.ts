import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs'
import { dirname } from 'node:path'

/** Owner only: the data directory holds password hashes, session tokens and every label. */
export const PRIVATE_DIR_MODE = 0o700
export const PRIVATE_FILE_MODE = 0o600

/** SQLite's companions of a database file; SQLite gives them the mode of the database file. */
const SQLITE_SUFFIXES = ['', '-wal', '-shm', '-journal']

/**
 * mkdir -p with mode 0700 for every directory it creates, one segment at a time. Node's
 * recursive mkdirSync spins for ever on some pseudo file systems (/proc); creating each missing
 * segment ourselves turns every failure into an error. The chmod after mkdir undoes the umask,
 * which may only remove bits, so the result is exactly 0700.
 *
 * A directory that exists is left as it is: Concord cannot know who else relies on it (an
 * operator may point the data directory at a shared one, or let a group drop files into the
 * media directory inside it). `warn` hears of one that others may read or enter.
 */
export function ensurePrivateDirectory(dir: string, warn?: (message: string) => void): void {
  const missing: string[] = []
  let current = dir
  while (!existsSync(current)) {
    missing.push(current)
    const parent = dirname(current)
    if (parent === current) break
    current = parent
  }
  for (const segment of missing.reverse()) {
    mkdirSync(segment, { mode: PRIVATE_DIR_MODE })
    chmodSync(segment, PRIVATE_DIR_MODE)
  }
  if (missing.length === 0 && warn) {
    const mode = statSync(dir).mode & 0o777
    if ((mode & 0o077) !== 0) {
      warn(
        `the data directory ${dir} is open to other users (mode ${octal(mode)}); ` +
          `Concord creates it 0700: run 'chmod 700 ${dir}' unless others need it`,
      )
    }
  }
}

/**
 * Makes a SQLite database and its -wal/-shm/-journal files readable by their owner only. A new
 * database file is created empty with mode 0600 before SQLite opens it: SQLite creates its
 * files 0644 (less the umask) and gives the -wal and -shm files the mode of the database file,
 * so they follow. Files that exist (from an older Concord, or a copy) are Concord's own and
 * nothing else needs to read them, so their mode is tightened rather than warned about.
 */
export function ensurePrivateDatabaseFiles(file: string, warn?: (message: string) => void): void {
  if (!existsSync(file)) closeSync(openSync(file, 'a', PRIVATE_FILE_MODE))
  for (const suffix of SQLITE_SUFFIXES) {
    const path = `${file}${suffix}`
    if (!existsSync(path)) continue
    const mode = statSync(path).mode & 0o777
    if ((mode & 0o077) === 0) continue
    try {
      chmodSync(path, mode & PRIVATE_FILE_MODE)
    } catch (err) {
      // Someone else's file (Concord runs as another user than its owner): say so, keep going.
      const reason = err instanceof Error ? err.message : String(err)
      warn?.(`could not make ${path} private (mode ${octal(mode)}): ${reason}`)
    }
  }
}

function octal(mode: number): string {
  return `0${mode.toString(8).padStart(3, '0')}`
}
