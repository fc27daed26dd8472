import { join } from 'node:path'
import Database from 'better-sqlite3'
import * as Y from 'yjs'

/** Reads a document as it is on disk: the update log in the SQLite file, merged. */
export function readStoredDoc(dataDir: string, docName: string): Y.Doc {
  const db = new Database(join(dataDir, 'concord.db'), { readonly: true, fileMustExist: true })
  try {
    const rows = db
      .prepare('select "update" as u from doc_updates where doc = ? order by seq')
      .all(docName) as Array<{ u: Buffer }>
    const doc = new Y.Doc()
    for (const row of rows) Y.applyUpdate(doc, new Uint8Array(row.u))
    return doc
  } finally {
    db.close()
  }
}

export function storedUpdateCount(dataDir: string, docName: string): number {
  const db = new Database(join(dataDir, 'concord.db'), { readonly: true, fileMustExist: true })
  try {
    const row = db.prepare('select count(*) as n from doc_updates where doc = ?').get(docName) as {
      n: number
    }
    return row.n
  } finally {
    db.close()
  }
}

export function readAnnotations(
  dataDir: string,
  project: string,
): Array<{ item_id: number; annotator_id: string; value: string }> {
  const db = new Database(join(dataDir, 'concord.db'), { readonly: true, fileMustExist: true })
  try {
    return db
      .prepare(
        'select item_id, annotator_id, value from annotations where project_id = ? order by item_id, annotator_id',
      )
      .all(project) as Array<{ item_id: number; annotator_id: string; value: string }>
  } finally {
    db.close()
  }
}
