import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { foldUpdates } from './log-folder'

/** A log as the server stores it: one update per edit, from two writers. */
function logOf(edits: ReadonlyArray<(a: Y.Doc, b: Y.Doc) => void>): Uint8Array[] {
  const a = new Y.Doc()
  const b = new Y.Doc()
  const log: Uint8Array[] = []
  const record = (u: Uint8Array): void => {
    log.push(u)
  }
  a.on('update', (u: Uint8Array, origin: unknown) => {
    if (origin !== 'peer') {
      record(u)
      Y.applyUpdate(b, u, 'peer')
    }
  })
  b.on('update', (u: Uint8Array, origin: unknown) => {
    if (origin !== 'peer') {
      record(u)
      Y.applyUpdate(a, u, 'peer')
    }
  })
  for (const edit of edits) edit(a, b)
  return log
}

function contentOf(update: Uint8Array): unknown {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, update)
  return { text: doc.getText('t').toString(), map: doc.getMap('m').toJSON() }
}

describe('foldUpdates', () => {
  const cases: Array<{ name: string; edits: ReadonlyArray<(a: Y.Doc, b: Y.Doc) => void> }> = [
    { name: 'one update', edits: [(a) => a.getText('t').insert(0, 'hello')] },
    {
      name: 'two writers, text and map',
      edits: [
        (a) => a.getText('t').insert(0, 'abc'),
        (_, b) => b.getText('t').insert(3, 'def'),
        (a) => a.getMap('m').set('k', 1),
        (_, b) => b.getMap('m').set('k', 2),
      ],
    },
    {
      name: 'text inserted then deleted',
      edits: [
        (a) => a.getText('t').insert(0, 'x'.repeat(2_000)),
        (_, b) => b.getText('t').delete(0, 1_990),
      ],
    },
  ]

  it.each(cases)('keeps the document: $name', ({ edits }) => {
    const log = logOf(edits)
    expect(contentOf(foldUpdates(log))).toEqual(contentOf(Y.mergeUpdates(log)))
  })

  it('leaves deleted text behind, where merging the rows keeps it', () => {
    const log = logOf(cases[2]!.edits)
    const folded = foldUpdates(log)
    expect(folded.byteLength).toBeLessThan(200)
    expect(Y.mergeUpdates(log).byteLength).toBeGreaterThan(2_000)
  })

  it('folds a log whose first row is an earlier fold', () => {
    const log = logOf([
      (a) => a.getText('t').insert(0, 'first'),
      (_, b) => b.getMap('m').set('a', 'b'),
      (a) => a.getText('t').insert(5, ' second'),
    ])
    const refolded = foldUpdates([foldUpdates(log.slice(0, 2)), ...log.slice(2)])
    expect(contentOf(refolded)).toEqual({ text: 'first second', map: { a: 'b' } })
  })
})
