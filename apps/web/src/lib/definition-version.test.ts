import { writeBookletToDoc } from '@concord/core'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  bookletVersionFor,
  bumpIfDefinitionChanged,
  snapshotDefinition,
} from './definition-version'

function booklet(): { doc: Y.Doc; spam: Y.Map<unknown> } {
  const doc = new Y.Doc()
  const label = (id: string) => ({
    id,
    name: id,
    definition: `About ${id}.`,
    includes: '',
    excludes: '',
  })
  writeBookletToDoc(doc, {
    title: 'T',
    intro: '',
    labels: [label('spam'), label('ham')],
    examples: [],
    discussions: [],
  })
  return { doc, spam: doc.getMap('labels').get('spam') as Y.Map<unknown> }
}

describe('definition versions', () => {
  const edits: Array<[string, (t: Y.Text) => void, number | undefined]> = [
    ['no change', () => undefined, undefined],
    ['whitespace only', (t) => t.insert(t.length, '  '), undefined],
    ['a changed definition', (t) => t.insert(0, 'Not '), 2],
  ]
  it.each(edits)('%s: bumps to %s', (_name, edit, want) => {
    const { spam } = booklet()
    const before = snapshotDefinition(spam)
    edit(spam.get('definition') as Y.Text)
    expect(bumpIfDefinitionChanged(spam, before)).toBe(want)
    expect(spam.get('version')).toBe(want ?? 1)
  })

  it('does not bump twice when the editor already raised the version', () => {
    const { spam } = booklet()
    const before = snapshotDefinition(spam)
    ;(spam.get('definition') as Y.Text).insert(0, 'New. ')
    spam.set('version', 2)
    expect(bumpIfDefinitionChanged(spam, before)).toBeUndefined()
    expect(spam.get('version')).toBe(2)
  })

  it('gives the version a label is made under: the highest over the chosen labels', () => {
    const { doc, spam } = booklet()
    spam.set('version', 3)
    expect(bookletVersionFor(doc, 'ham')).toBe(1)
    expect(bookletVersionFor(doc, 'spam')).toBe(3)
    expect(bookletVersionFor(doc, ['ham', 'spam'])).toBe(3)
    expect(bookletVersionFor(doc, 'unknown')).toBeUndefined()
  })
})
