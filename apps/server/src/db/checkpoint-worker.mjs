// Worker thread: folds the write-ahead log back into the database file on its own connection, so
// the event loop never waits for a checkpoint's copying and fsyncs (see background-checkpoints.ts).
// Plain JavaScript on purpose: a TypeScript worker registers tsx's loader in its own thread and
// compiles its imports, which cost ~0.5 s of CPU and ~40 MB of RSS per server for a dozen lines.
import { parentPort, workerData } from 'node:worker_threads'
import SQLite from 'better-sqlite3'

/** @type {{ file: string }} */
const { file } = workerData.data
const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort)
const db = new SQLite(file)
db.pragma('busy_timeout = 1000')
db.pragma('synchronous = NORMAL')

port.on('message', (/** @type {'checkpoint' | 'close'} */ msg) => {
  if (msg === 'close') {
    db.close()
    port.close()
    return
  }
  try {
    // PASSIVE never blocks the writer: it copies what no reader still needs and stops there.
    const [row] = /** @type {Array<{ busy: number, log: number, checkpointed: number }>} */ (
      db.pragma('wal_checkpoint(PASSIVE)')
    )
    port.postMessage({ ok: true, ...row })
  } catch (err) {
    port.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) })
  }
})
port.postMessage({ ready: true })
