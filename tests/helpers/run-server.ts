// Starts a real Concord server for tests in its own process (so a test can SIGKILL it) and
// prints one line `CONCORD_READY <url> <pid>` once it listens.
import { resolveOptions } from '../../apps/server/src/options'
import { startServer } from '../../apps/server/src/server'

const [dataDir, port] = process.argv.slice(2)
const options = resolveOptions({
  dataDir,
  port: Number(port ?? 0),
  host: '127.0.0.1',
  seedDemo: process.env.CONCORD_SEED_DEMO === '1',
  adminPassword: process.env.CONCORD_ADMIN_PASSWORD ?? 'admin-password',
  quiet: process.env.CONCORD_TEST_VERBOSE !== '1',
  idleUnloadMs: Number(process.env.CONCORD_IDLE_UNLOAD_MS ?? 30_000),
  compactAfterUpdates: Number(process.env.CONCORD_TEST_COMPACT_AFTER_UPDATES ?? 500),
})
const server = await startServer(options)
process.stdout.write(`CONCORD_READY ${server.url} ${process.pid}\n`)
const stop = (): void => {
  void server.close().then(() => process.exit(0))
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
