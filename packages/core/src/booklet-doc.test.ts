import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { normalizeBookletText, type BookletContent } from './booklet-content'
import {
  addBookletExample,
  bookletExamples,
  bookletLabels,
  bookletMeta,
  isBookletDocEmpty,
  readBookletFromDoc,
  writeBookletToDoc,
} from './booklet-doc'
import { ConcordError } from './errors'

const CONTENT: BookletContent = {
  title: 'Email triage',
  intro: 'Label each email.',
  labels: [
    { id: 'spam', name: 'Spam', definition: 'Unsolicited.', includes: '- scams', excludes: '' },
    { id: 'marketing', name: 'Marketing', definition: 'Bulk mail.', includes: '', excludes: '' },
    { id: 'personal', name: 'Personal', definition: 'From a person.', includes: '', excludes: '' },
  ],
  examples: [{ itemId: 'x-1', label: 'marketing', rationale: 'Signed up.' }],
  discussions: [{ date: '2024-05-14', title: 'Newsletters', body: 'We agreed.' }],
}

function sync(from: Y.Doc, to: Y.Doc): void {
  Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)))
}

describe('booklet document', () => {
  it('writes the documented layout', () => {
    const doc = new Y.Doc()
    expect(isBookletDocEmpty(doc)).toBe(true)
    writeBookletToDoc(doc, CONTENT, { addedAt: 1234 })
    expect(isBookletDocEmpty(doc)).toBe(false)
    expect(bookletMeta(doc).get('title')).toBe('Email triage')
    expect(bookletMeta(doc).get('intro')).toBeInstanceOf(Y.Text)
    const spam = bookletLabels(doc).get('spam') as Y.Map<unknown>
    expect(spam.get('name')).toBe('Spam')
    expect(spam.get('definition')).toBeInstanceOf(Y.Text)
    expect((spam.get('includes') as Y.Text).toString()).toBe('- scams')
    expect(spam.get('version')).toBe(1)
    expect(spam.get('order')).toBe(0)
    const example = bookletExamples(doc).get(0) as Y.Map<unknown>
    expect(example.toJSON()).toEqual({
      itemId: 'x-1',
      label: 'marketing',
      rationale: 'Signed up.',
      addedAt: 1234,
    })
  })

  it('reads back what it wrote, also on a peer that received it as an update', () => {
    const doc = new Y.Doc()
    writeBookletToDoc(doc, CONTENT)
    expect(readBookletFromDoc(doc)).toEqual(CONTENT)
    const peer = new Y.Doc()
    sync(doc, peer)
    expect(readBookletFromDoc(peer)).toEqual(CONTENT)
  })

  it('refuses to fill a document that holds a booklet', () => {
    const doc = new Y.Doc()
    writeBookletToDoc(doc, CONTENT)
    expect(() => writeBookletToDoc(doc, CONTENT)).toThrow(ConcordError)
  })

  it('merges concurrent edits of one definition', () => {
    const a = new Y.Doc()
    writeBookletToDoc(a, CONTENT)
    const b = new Y.Doc()
    sync(a, b)
    const definition = (doc: Y.Doc) =>
      (bookletLabels(doc).get('spam') as Y.Map<unknown>).get('definition') as Y.Text
    definition(a).insert(0, 'Bulk and ')
    definition(b).insert(definition(b).length, ' Or fraudulent.')
    sync(a, b)
    sync(b, a)
    const expected = 'Bulk and Unsolicited. Or fraudulent.'
    expect(readBookletFromDoc(a).labels[0]?.definition).toBe(expected)
    expect(readBookletFromDoc(b).labels[0]?.definition).toBe(expected)
  })

  it('appends examples and skips entries that do not fit the layout', () => {
    const doc = new Y.Doc()
    writeBookletToDoc(doc, CONTENT)
    addBookletExample(doc, { itemId: 'x-2', label: 'spam', rationale: '' }, 99)
    doc.transact(() => {
      bookletLabels(doc).set('bad id!', new Y.Map())
      bookletLabels(doc).set('plain', 'not a map')
      const loose = new Y.Map<unknown>()
      loose.set('name', 'Loose\nname')
      loose.set('definition', '  plain string  ')
      bookletLabels(doc).set('loose', loose)
      bookletExamples(doc).push(['not a map', new Y.Map()])
    })
    const read = readBookletFromDoc(doc)
    expect(read.examples.map((e) => e.itemId)).toEqual(['x-1', 'x-2'])
    expect(read.labels.map((l) => l.id)).toEqual(['spam', 'marketing', 'personal', 'loose'])
    expect(read.labels[3]).toMatchObject({ name: 'Loose name', definition: '  plain string  ' })
  })

  it('round-trips any content through a document', () => {
    const text = fc.string({ maxLength: 20 }).map(normalizeBookletText)
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^[a-z]{1,6}$/), { minLength: 1, maxLength: 5 }),
        fc.array(fc.tuple(fc.stringMatching(/^[a-z0-9]{1,6}$/), text), { maxLength: 3 }),
        (ids, examples) => {
          const content: BookletContent = {
            ...CONTENT,
            labels: ids.map((id) => ({
              id,
              name: id.toUpperCase(),
              definition: '',
              includes: '',
              excludes: '',
            })),
            examples: examples.map(([itemId, rationale], i) => ({
              itemId,
              label: ids[i % ids.length] ?? 'x',
              rationale,
            })),
          }
          const doc = new Y.Doc()
          writeBookletToDoc(doc, content)
          expect(readBookletFromDoc(doc)).toEqual(content)
        },
      ),
    )
  })
})
