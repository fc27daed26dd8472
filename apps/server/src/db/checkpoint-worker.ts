// Worker thread: folds the write-ahead log back into the database file on its own connection, so
// the event loop never waits for a checkpoint's copying and fsyncs (see background-checkpoints.ts).
import { parentPort, workerData } from 'node:worker_threads'
import SQLite from 'better-sqlite3'

const { file } = (workerData as { data: { file: string } }).data
const db = new SQLite(file)
db.pragma('busy_timeout = 1000')
db.pragma('synchronous = NORMAL')

parentPort!.on('message', (msg: 'checkpoint' | 'close') => {
  if (msg === 'close') {
    db.close()
    parentPort!.close()
    return
  }
  try {
    // PASSIVE never blocks the writer: it copies what no reader still needs and stops there.
    const [row] = db.pragma('wal_checkpoint(PASSIVE)') as Array<{
      busy: number
      log: number
      checkpointed: number
    }>
    parentPort!.postMessage({ ok: true, ...row })
  } catch (err) {
    parentPort!.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) })
  }
})
parentPort!.postMessage({ ready: true })
