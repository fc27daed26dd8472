import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Api } from './helpers/api'
import { startServerProcess, tempDataDir, type ServerProcess } from './helpers/server-process'

const mode = (path: string) => `0${(statSync(path).mode & 0o777).toString(8)}`

let server: ServerProcess | undefined
afterEach(async () => {
  await server?.stop()
  server = undefined
})

/** Writes through the server, so the database has its -wal and -shm files. */
async function write(url: string): Promise<void> {
  const admin = await Api.login(url, 'admin', 'admin-password')
  await admin.createProject({ name: 'Files', labels: ['a', 'b'] })
}

describe('files Concord writes on disk', () => {
  it('a fresh data directory is 0700 and the database with its -wal and -shm 0600', async () => {
    // Parents Concord has to create are its own too.
    const dataDir = join(tempDataDir(), 'new', 'data')
    server = await startServerProcess({ dataDir })
    await write(server.url)
    const db = join(dataDir, 'concord.db')
    expect(existsSync(`${db}-wal`)).toBe(true)
    expect(existsSync(`${db}-shm`)).toBe(true)
    expect({
      dir: mode(dataDir),
      parent: mode(join(dataDir, '..')),
      db: mode(db),
      wal: mode(`${db}-wal`),
      shm: mode(`${db}-shm`),
    }).toEqual({ dir: '0700', parent: '0700', db: '0600', wal: '0600', shm: '0600' })
  })

  it('tightens an existing database, and warns about a data directory open to others', async () => {
    const dataDir = join(tempDataDir(), 'data')
    mkdirSync(dataDir)
    server = await startServerProcess({ dataDir })
    await write(server.url)
    await server.stop()
    // As an older Concord left them: 0755 and 0644.
    const db = join(dataDir, 'concord.db')
    chmodSync(dataDir, 0o755)
    for (const f of [db, `${db}-wal`, `${db}-shm`]) if (existsSync(f)) chmodSync(f, 0o644)

    server = await startServerProcess({ dataDir, env: { CONCORD_TEST_VERBOSE: '1' } })
    await write(server.url)
    expect({ db: mode(db), wal: mode(`${db}-wal`), shm: mode(`${db}-shm`) }).toEqual({
      db: '0600',
      wal: '0600',
      shm: '0600',
    })
    // The directory may be shared on purpose: Concord says so rather than changing it.
    expect(mode(dataDir)).toBe('0755')
    expect(server.output()).toContain(
      `WARN the data directory ${dataDir} is open to other users (mode 0755)`,
    )
  })
})
