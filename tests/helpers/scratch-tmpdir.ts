import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * vitest globalSetup: the whole run writes its temporary files (SQLite data directories, server
 * processes' data, CLI fixtures) under one directory of its own, removed when the run ends.
 * Servers killed on purpose (crash-recovery) and tests that fail part-way cannot tidy up after
 * themselves; before this, every `npm test` left ~100 directories (up to 23 MB each) in /tmp.
 * Workers and the servers they spawn inherit TMPDIR, which `os.tmpdir()` reads on every call.
 * CONCORD_KEEP_TEST_TMP=1 keeps the directory (its path is printed) to look at after a failure.
 */
export default function setup(): () => void {
  const previous = process.env.TMPDIR
  const dir = mkdtempSync(join(tmpdir(), 'concord-test-run-'))
  process.env.TMPDIR = dir
  return () => {
    if (previous === undefined) delete process.env.TMPDIR
    else process.env.TMPDIR = previous
    if (process.env.CONCORD_KEEP_TEST_TMP === '1') {
      console.log(`test files kept in ${dir}`)
      return
    }
    rmSync(dir, { recursive: true, force: true })
  }
}
