import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ensureDirectory, openDatabase } from './open-database'

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

  it.each([
    ['/proc/concord-cannot-be-here/data', /ENOENT|EACCES|EPERM/],
    ['/etc/passwd/data', /ENOTDIR|EEXIST/],
  ])('fails with an error, never hangs, for %s', (dir, code) => {
    expect(() => ensureDirectory(dir)).toThrow(code)
  })
})
