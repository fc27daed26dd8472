import Database from 'better-sqlite3'

/**
 * Read-only access to a project's texts, embeddings and featurizer from inside a model worker.
 *
 * The worker reads what it computes on from the database file itself, on its own connection,
 * instead of the server reading it and posting it over: at 100,000 items that is hundreds of
 * megabytes of rows the event loop would otherwise materialise, copy and post while sync peers
 * wait. WAL lets this connection read beside the server's writer without blocking it.
 * better-sqlite3 is used directly: these are a few bulk reads of raw rows, off the event loop.
 */
export class StoredFeatures {
  private db: Database.Database | null = null

  constructor(private readonly file: string) {}

  /** Ids and texts of the project's items that have no embedding yet, in id order. */
  missingTexts(projectId: string, excludeMedia: boolean): { ids: Int32Array; texts: string[] } {
    const rows = this.open()
      .prepare(
        `select items.id, items.text from items
         left join embeddings on embeddings.item_id = items.id
         where items.project_id = ? and embeddings.item_id is null
         ${excludeMedia ? 'and items.media_url is null' : ''}
         order by items.id`,
      )
      .raw()
      .all(projectId) as [number, string | null][]
    return { ids: Int32Array.from(rows, (r) => r[0]), texts: rows.map((r) => r[1] ?? '') }
  }

  /** Every text of the project (a new featurizer is fitted on all of them). */
  allTexts(projectId: string): string[] {
    const stmt = this.open().prepare('select text from items where project_id = ?').pluck()
    return (stmt.all(projectId) as (string | null)[]).map((t) => t ?? '')
  }

  /**
   * The project's featurizer (its JSON text), or null when there is none or its parts are not
   * all written yet (the count in model_settings is set only after the last part).
   */
  featurizer(projectId: string): string | null {
    const db = this.open()
    const expected = db
      .prepare('select featurizer_parts from model_settings where project_id = ?')
      .pluck()
      .get(projectId) as number | null | undefined
    if (expected === null || expected === undefined) return null
    const parts = db
      .prepare('select bytes from featurizer_parts where project_id = ? order by part')
      .pluck()
      .all(projectId) as Uint8Array[]
    if (parts.length !== expected) return null
    return new TextDecoder().decode(Buffer.concat(parts))
  }

  /**
   * Embeddings of the project's items: all of them in id order, or those of `itemIds` that have
   * one, in the order given. `ids` says which item each row is.
   */
  embeddings(
    projectId: string,
    itemIds?: Int32Array,
  ): { ids: Int32Array; X: Float32Array; d: number } {
    const db = this.open()
    let rows: [number, Uint8Array][]
    if (itemIds) {
      const one = db
        .prepare('select item_id, vector from embeddings where item_id = ? and project_id = ?')
        .raw()
      rows = []
      for (const id of itemIds) {
        const row = one.get(id, projectId) as [number, Uint8Array] | undefined
        if (row) rows.push(row)
      }
    } else {
      rows = db
        .prepare('select item_id, vector from embeddings where project_id = ? order by item_id')
        .raw()
        .all(projectId) as [number, Uint8Array][]
    }
    const d = rows.length > 0 ? rows[0]![1].byteLength / 4 : 0
    const X = new Float32Array(rows.length * d)
    const bytes = new Uint8Array(X.buffer)
    rows.forEach(([, blob], i) => {
      if (blob.byteLength !== d * 4) {
        throw new Error(`the embeddings of project ${projectId} do not all have one width`)
      }
      bytes.set(blob, i * d * 4)
    })
    return { ids: Int32Array.from(rows, (r) => r[0]), X, d }
  }

  close(): void {
    this.db?.close()
    this.db = null
  }

  private open(): Database.Database {
    this.db ??= new Database(this.file, { readonly: true, fileMustExist: true })
    return this.db
  }
}
