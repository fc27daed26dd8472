// Bench entry: @hocuspocus/server in its own process, in memory, no persistence, no extensions.
// Prints `BENCH_READY <url> <pid>` once it listens (argv[2] = port, 0 = any).
import { Server } from '@hocuspocus/server'

const port = Number(process.argv[2] ?? 0)
const server = new Server({ port, address: '127.0.0.1', quiet: true, stopOnSignals: false })
await server.listen()
process.stdout.write(`BENCH_READY ws://127.0.0.1:${server.address.port} ${process.pid}\n`)
let stopping = false
const stop = (): void => {
  if (stopping) return
  stopping = true
  void server.destroy().then(
    () => process.exit(0),
    () => process.exit(1),
  )
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
