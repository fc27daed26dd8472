// Worker thread: reads a document's update log on its own connection and folds it into one
// update (see worker-log-folder.ts), so that a compaction costs the event loop only its short
// write. Plain JavaScript for the reason given in db/checkpoint-worker.mjs. The fold is
// log-folder.ts's foldUpdates; the contract tests check that both give the same document.
import { parentPort, workerData } from 'node:worker_threads'
import SQLite from 'better-sqlite3'
import * as Y from 'yjs'

/** @type {{ file: string }} */
const { file } = workerData.data
const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort)
const db = new SQLite(file)
db.pragma('busy_timeout = 1000')
db.pragma('query_only = ON')
const readLog = db.prepare('select seq, "update" from doc_updates where doc = ? order by seq')

port.on('message', (/** @type {{ id: number, doc: string } | 'close'} */ msg) => {
  if (msg === 'close') {
    db.close()
    port.close()
    return
  }
  try {
    // One statement: one read transaction, so the rows are the log as of one commit.
    const rows = /** @type {Array<{ seq: number, update: Uint8Array }>} */ (readLog.all(msg.doc))
    if (rows.length === 0) {
      port.postMessage({ id: msg.id, ok: true })
      return
    }
    // As log-folder.ts's foldUpdates (applyLog): one transaction, no Y.mergeUpdates pass.
    const doc = new Y.Doc({ gc: true })
    doc.transact(() => {
      for (const row of rows) Y.applyUpdate(doc, row.update)
    })
    const state = Y.encodeStateAsUpdate(doc)
    doc.destroy()
    const folded = {
      state,
      rows: rows.length,
      firstSeq: rows[0].seq,
      lastSeq: rows[rows.length - 1].seq,
    }
    port.postMessage({ id: msg.id, ok: true, folded }, [state.buffer])
  } catch (err) {
    port.postMessage({
      id: msg.id,
      ok: false,
      error: err instanceof Error ? err.message : String(err),
    })
  }
})
port.postMessage({ ready: true })
