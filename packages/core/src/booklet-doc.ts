import * as Y from 'yjs'
import {
  BOOKLET_DATE,
  BOOKLET_LABEL_ID,
  normalizeBookletText,
  type BookletContent,
  type BookletDiscussion,
  type BookletExample,
  type BookletLabel,
} from './booklet-content'
import { ConcordError } from './errors'

/**
 * Layout of a `booklet/<project>` document, a contract shared with the web app. Every free text
 * is a Y.Text so that several people can edit one section at the same time; the short fields
 * are plain values (last writer wins).
 *
 *   doc.getMap('meta')
 *     title: string
 *     intro: Y.Text                       Markdown under the title
 *   doc.getMap('labels')                  label id -> Y.Map
 *     name: string
 *     definition: Y.Text                  Markdown
 *     includes: Y.Text                    Markdown, usually a list; may be empty
 *     excludes: Y.Text                    Markdown, usually a list; may be empty
 *     version: number                     1 at creation; editors bump it when the meaning of
 *                                         the definition changes (labels made before may differ)
 *     order: number                       position in the booklet (a Y.Map has no order);
 *                                         ties are broken by label id
 *   doc.getArray('examples')              Y.Map, in the order they were added
 *     itemId: string                      the item's external id
 *     label: string                       the decided label id
 *     rationale: Y.Text                   Markdown
 *     addedAt: number                     milliseconds since the epoch
 *   doc.getArray('discussions')           Y.Map, in the order they were added
 *     date: string                        YYYY-MM-DD
 *     title: string
 *     body: Y.Text                        Markdown
 *
 * Readers skip what does not fit (a client may write anything a writer may): a label under an
 * id that is not a label id, an example without item id or label, a discussion without a date.
 * A plain string where a Y.Text belongs is read as text.
 */
export const BOOKLET_META = 'meta'
export const BOOKLET_LABELS = 'labels'
export const BOOKLET_EXAMPLES = 'examples'
export const BOOKLET_DISCUSSIONS = 'discussions'

export function bookletMeta(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>(BOOKLET_META)
}

export function bookletLabels(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>(BOOKLET_LABELS)
}

export function bookletExamples(doc: Y.Doc): Y.Array<unknown> {
  return doc.getArray<unknown>(BOOKLET_EXAMPLES)
}

export function bookletDiscussions(doc: Y.Doc): Y.Array<unknown> {
  return doc.getArray<unknown>(BOOKLET_DISCUSSIONS)
}

/** True when the document holds no booklet content (it may hold deleted content). */
export function isBookletDocEmpty(doc: Y.Doc): boolean {
  return (
    bookletMeta(doc).size === 0 &&
    bookletLabels(doc).size === 0 &&
    bookletExamples(doc).length === 0 &&
    bookletDiscussions(doc).length === 0
  )
}

/** A label entry, ready to be set under its id in the labels map. */
export function newBookletLabel(label: BookletLabel, order: number): Y.Map<unknown> {
  const map = new Y.Map<unknown>()
  map.set('name', label.name)
  map.set('definition', new Y.Text(normalizeBookletText(label.definition)))
  map.set('includes', new Y.Text(normalizeBookletText(label.includes)))
  map.set('excludes', new Y.Text(normalizeBookletText(label.excludes)))
  map.set('version', 1)
  map.set('order', order)
  return map
}

/** An example entry, ready to be pushed to the examples array. */
export function newBookletExample(example: BookletExample, addedAt: number): Y.Map<unknown> {
  const map = new Y.Map<unknown>()
  map.set('itemId', example.itemId)
  map.set('label', example.label)
  map.set('rationale', new Y.Text(normalizeBookletText(example.rationale)))
  map.set('addedAt', addedAt)
  return map
}

/** A discussion entry, ready to be pushed to the discussions array. */
export function newBookletDiscussion(discussion: BookletDiscussion): Y.Map<unknown> {
  const map = new Y.Map<unknown>()
  map.set('date', discussion.date)
  map.set('title', discussion.title)
  map.set('body', new Y.Text(normalizeBookletText(discussion.body)))
  return map
}

/** Appends an example (a review decision that clarifies a rule). */
export function addBookletExample(doc: Y.Doc, example: BookletExample, addedAt: number): void {
  bookletExamples(doc).push([newBookletExample(example, addedAt)])
}

export interface WriteBookletOptions {
  /** `addedAt` of the examples; 0 (unknown) unless given. */
  readonly addedAt?: number
}

/**
 * Fills an empty booklet document from content (seeding, importing a booklet file), in one
 * transaction. Throws a `conflict` ConcordError if the document already holds a booklet:
 * merging two booklets is an editor's job, not a loader's.
 */
export function writeBookletToDoc(
  doc: Y.Doc,
  content: BookletContent,
  options: WriteBookletOptions = {},
): void {
  if (!isBookletDocEmpty(doc)) {
    throw new ConcordError('conflict', 'the booklet document is not empty')
  }
  const addedAt = options.addedAt ?? 0
  doc.transact(() => {
    const meta = bookletMeta(doc)
    meta.set('title', content.title)
    meta.set('intro', new Y.Text(normalizeBookletText(content.intro)))
    const labels = bookletLabels(doc)
    content.labels.forEach((label, i) => labels.set(label.id, newBookletLabel(label, i)))
    bookletExamples(doc).push(content.examples.map((e) => newBookletExample(e, addedAt)))
    bookletDiscussions(doc).push(content.discussions.map((d) => newBookletDiscussion(d)))
  })
}

function text(value: unknown): string {
  if (value instanceof Y.Text) return normalizeBookletText(value.toString())
  return typeof value === 'string' ? normalizeBookletText(value) : ''
}

/** A one-line field; a line break a client typed becomes a space. */
function str(value: unknown): string {
  return typeof value === 'string' ? value.replace(/\s*[\r\n]+\s*/g, ' ').trim() : ''
}

/** Reads the document back into plain content (exporting to Markdown, REST). */
export function readBookletFromDoc(doc: Y.Doc): BookletContent {
  const meta = bookletMeta(doc)
  const labels: (BookletLabel & { order: number })[] = []
  bookletLabels(doc).forEach((value, id) => {
    if (!(value instanceof Y.Map) || !BOOKLET_LABEL_ID.test(id)) return
    const order = value.get('order')
    labels.push({
      id,
      name: str(value.get('name')) || id,
      definition: text(value.get('definition')),
      includes: text(value.get('includes')),
      excludes: text(value.get('excludes')),
      order: typeof order === 'number' && Number.isFinite(order) ? order : Number.MAX_SAFE_INTEGER,
    })
  })
  labels.sort((a, b) => a.order - b.order || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))

  const examples: BookletExample[] = []
  for (const value of bookletExamples(doc)) {
    if (!(value instanceof Y.Map)) continue
    const itemId = str(value.get('itemId'))
    const label = str(value.get('label'))
    if (itemId === '' || !BOOKLET_LABEL_ID.test(label)) continue
    examples.push({ itemId, label, rationale: text(value.get('rationale')) })
  }

  const discussions: BookletDiscussion[] = []
  for (const value of bookletDiscussions(doc)) {
    if (!(value instanceof Y.Map)) continue
    const date = str(value.get('date'))
    if (!BOOKLET_DATE.test(date)) continue
    discussions.push({ date, title: str(value.get('title')), body: text(value.get('body')) })
  }

  return {
    title: str(meta.get('title')),
    intro: text(meta.get('intro')),
    labels: labels.map(({ order: _order, ...label }) => label),
    examples,
    discussions,
  }
}
