import * as Y from 'yjs'
import type { DocWriter } from '../context'

/**
 * A DocWriter over a Map of in-memory Y.Docs: no log, no projection. Enough to check what a
 * service writes into documents; tests that need the `annotations` projection use the sync
 * layer's real writer instead.
 */
export function createMemoryDocWriter(): DocWriter & {
  readonly docs: Map<string, Y.Doc>
  /** Changes applied, in order, one entry per `change` call. */
  readonly changes: string[]
} {
  const docs = new Map<string, Y.Doc>()
  const changes: string[] = []
  const get = (name: string): Y.Doc => {
    let doc = docs.get(name)
    if (!doc) docs.set(name, (doc = new Y.Doc()))
    return doc
  }
  return {
    docs,
    changes,
    change(name, mutate) {
      const doc = get(name)
      doc.transact(() => mutate(doc))
      changes.push(name)
      return Promise.resolve()
    },
    read(name, read) {
      return Promise.resolve(read(get(name)))
    },
  }
}
