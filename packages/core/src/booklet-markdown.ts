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

/*
 * The booklet as a Markdown file (booklet/README.md describes it for people):
 *
 *   # <title>
 *   <intro paragraphs>
 *   ## Labels
 *   ### <label id> — <name>
 *   <definition paragraphs>
 *   **Includes:** <text, or a list on the following lines>
 *   **Excludes:** <text, or a list on the following lines>
 *   ## Ambiguous examples
 *   ### <item external id>
 *   **Decision:** <label id>
 *   **Rationale:** <text>
 *   ## Discussions
 *   ### <YYYY-MM-DD> — <title>
 *   <free Markdown>
 *
 * Structure lines are headings of level 1 to 3 and, inside labels and examples, the four
 * `**Marker:**` lines. Any text line that would read as one is written with a leading backslash
 * (`\## not a section`), which the parser removes again: parse(toMarkdown(x)) equals x.
 * Headings of level 4 and deeper are ordinary content.
 */

const HEADING = /^(#{1,3})(?:[ \t]+(.*)|)$/
const HEADING_LIKE = /^#{1,3}(?:[ \t]|$)/
const MARKER = /^\*\*(includes|excludes|decision|rationale)(?::\*\*|\*\*:)[ \t]*(.*)$/i
const MARKER_LIKE = /^\*\*(?:includes|excludes|decision|rationale)(?::\*\*|\*\*:)/i
/** `<label id> — <name>` and `<date> — <title>`; an en dash, `--`, `-` or `:` also separate. */
const TITLED = /^(\S+)(?:[ \t]+(?:—|–|--|-|:)(?:[ \t]+(.*))?)?$/

type Marker = 'includes' | 'excludes' | 'decision' | 'rationale'
const MARKER_TITLE: Record<Marker, string> = {
  includes: 'Includes',
  excludes: 'Excludes',
  decision: 'Decision',
  rationale: 'Rationale',
}

type Section = 'labels' | 'examples' | 'discussions'
const SECTION_NAMES: Record<string, Section> = {
  labels: 'labels',
  'ambiguous examples': 'examples',
  examples: 'examples',
  discussions: 'discussions',
}
const SECTION_TITLE: Record<Section, string> = {
  labels: 'Labels',
  examples: 'Ambiguous examples',
  discussions: 'Discussions',
}

interface Line {
  readonly n: number
  readonly text: string
}

interface Entry {
  readonly section: Section
  readonly heading: Line
  readonly headingText: string
  readonly body: Line[]
}

function fail(line: number, reason: string): never {
  throw new ConcordError('bad_request', `booklet line ${line}: ${reason}`, [
    { path: `line ${line}`, message: reason },
  ])
}

/**
 * Reads a booklet file. Structure errors (a missing title, an unknown section, a label heading
 * without an id, an example without a decision, ...) throw a `bad_request` ConcordError whose
 * message starts with `booklet line N:`.
 */
export function parseBookletMarkdown(text: string): BookletContent {
  const lines = text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split('\n')
  let title: string | undefined
  const intro: Line[] = []
  const entries: Entry[] = []
  const seenSections = new Set<Section>()
  let section: Section | undefined
  let entry: Entry | undefined

  lines.forEach((raw, i) => {
    const n = i + 1
    const heading = HEADING.exec(raw)
    if (!heading) {
      if (title === undefined) {
        if (raw.trim() !== '') fail(n, `expected the title line '# <title>' first`)
      } else if (entry) entry.body.push({ n, text: raw })
      else if (section) {
        if (raw.trim() !== '')
          fail(n, `text before the first '### ' entry of '## ${SECTION_TITLE[section]}'`)
      } else intro.push({ n, text: raw })
      return
    }
    const level = heading[1]?.length ?? 0
    const content = (heading[2] ?? '').trim()
    if (level === 1) {
      if (title !== undefined) fail(n, `a second title '# ${content}'; a booklet has one`)
      if (content === '') fail(n, 'the title is empty')
      title = content
      return
    }
    if (title === undefined) fail(n, `expected the title line '# <title>' first`)
    if (level === 2) {
      const next = SECTION_NAMES[content.toLowerCase()]
      if (next === undefined) {
        fail(
          n,
          `unknown section '## ${content}'; expected '## Labels', '## Ambiguous examples' or '## Discussions'`,
        )
      }
      if (seenSections.has(next)) fail(n, `a second '## ${SECTION_TITLE[next]}' section`)
      seenSections.add(next)
      section = next
      entry = undefined
      return
    }
    if (section === undefined) {
      fail(
        n,
        `'### ${content}' outside a section; put it under '## Labels', '## Ambiguous examples' or '## Discussions'`,
      )
    }
    entry = { section, heading: { n, text: raw }, headingText: content, body: [] }
    entries.push(entry)
  })

  if (title === undefined) fail(Math.max(1, lines.length), `expected the title line '# <title>'`)

  const labels: BookletLabel[] = []
  const labelLines = new Map<string, number>()
  const examples: { example: BookletExample; decisionLine: number }[] = []
  const discussions: BookletDiscussion[] = []
  for (const e of entries) {
    if (e.section === 'labels') {
      const label = parseLabel(e)
      const first = labelLines.get(label.id)
      if (first !== undefined) {
        fail(e.heading.n, `label '${label.id}' is defined twice (first on line ${first})`)
      }
      labelLines.set(label.id, e.heading.n)
      labels.push(label)
    } else if (e.section === 'examples') examples.push(parseExample(e))
    else discussions.push(parseDiscussion(e))
  }
  for (const { example, decisionLine } of examples) {
    if (!labelLines.has(example.label)) {
      const known = labels.map((l) => `'${l.id}'`).join(', ')
      fail(
        decisionLine,
        `decision '${example.label}' is not a label of this booklet (${known || 'none defined'})`,
      )
    }
  }

  return {
    title,
    intro: textOf(intro, false),
    labels,
    examples: examples.map((e) => e.example),
    discussions,
  }
}

function parseLabel(e: Entry): BookletLabel {
  const m = TITLED.exec(e.headingText)
  const id = m?.[1]
  if (!m || id === undefined || !BOOKLET_LABEL_ID.test(id)) {
    fail(
      e.heading.n,
      `expected '### <label id> — <name>' (label ids use letters, digits, _ . -), got '### ${e.headingText}'`,
    )
  }
  const name = (m[2] ?? '').trim() || id
  const fields = splitFields(e, ['includes', 'excludes'])
  return {
    id,
    name,
    definition: fields.preamble,
    includes: fields.values.get('includes')?.text ?? '',
    excludes: fields.values.get('excludes')?.text ?? '',
  }
}

function parseExample(e: Entry): { example: BookletExample; decisionLine: number } {
  const itemId = e.headingText
  if (itemId === '') fail(e.heading.n, `expected '### <item id>'`)
  const fields = splitFields(e, ['decision', 'rationale'])
  if (fields.preamble !== '') {
    fail(fields.preambleLine, `expected '**Decision:** <label id>' in example '${itemId}'`)
  }
  const decision = fields.values.get('decision')
  if (!decision) fail(e.heading.n, `example '${itemId}' has no '**Decision:** <label id>' line`)
  const label = decision.text.replace(/^`(.*)`$/, '$1').trim()
  if (!BOOKLET_LABEL_ID.test(label)) {
    fail(decision.line, `expected one label id after '**Decision:**', got '${decision.text}'`)
  }
  return {
    example: { itemId, label, rationale: fields.values.get('rationale')?.text ?? '' },
    decisionLine: decision.line,
  }
}

function parseDiscussion(e: Entry): BookletDiscussion {
  const m = TITLED.exec(e.headingText)
  const date = m?.[1]
  if (!m || date === undefined || !BOOKLET_DATE.test(date)) {
    fail(e.heading.n, `expected '### <YYYY-MM-DD> — <title>', got '### ${e.headingText}'`)
  }
  return { date, title: (m[2] ?? '').trim(), body: textOf(e.body, false) }
}

interface Fields {
  readonly preamble: string
  /** Line of the first non-blank preamble line. */
  readonly preambleLine: number
  readonly values: Map<Marker, { text: string; line: number }>
}

function splitFields(e: Entry, allowed: readonly Marker[]): Fields {
  const preamble: Line[] = []
  const values = new Map<Marker, { text: string; line: number }>()
  let current: { marker: Marker; line: number; lines: Line[] } | undefined
  const close = () => {
    if (current)
      values.set(current.marker, { text: textOf(current.lines, true), line: current.line })
  }
  for (const line of e.body) {
    const m = MARKER.exec(line.text)
    if (!m) {
      ;(current ? current.lines : preamble).push(line)
      continue
    }
    const marker = (m[1] ?? '').toLowerCase() as Marker
    const what = e.section === 'labels' ? `label '${e.headingText}'` : `example '${e.headingText}'`
    if (!allowed.includes(marker)) {
      const where = e.section === 'labels' ? 'an ambiguous example' : 'a label'
      fail(line.n, `'**${MARKER_TITLE[marker]}:**' belongs to ${where}, not to ${what}`)
    }
    if (values.has(marker) || current?.marker === marker) {
      fail(line.n, `a second '**${MARKER_TITLE[marker]}:**' in ${what}`)
    }
    close()
    current = { marker, line: line.n, lines: [{ n: line.n, text: m[2] ?? '' }] }
  }
  close()
  return {
    preamble: textOf(preamble, true),
    preambleLine: preamble.find((l) => l.text.trim() !== '')?.n ?? e.heading.n,
    values,
  }
}

function textOf(lines: readonly Line[], markers: boolean): string {
  return normalizeBookletText(lines.map((l) => unescapeLine(l.text, markers)).join('\n'))
}

function isStructural(text: string, markers: boolean): boolean {
  return HEADING_LIKE.test(text) || (markers && MARKER_LIKE.test(text))
}

function escapeLine(line: string, markers: boolean): string {
  return isStructural(line.replace(/^\\+/, ''), markers) ? `\\${line}` : line
}

function unescapeLine(line: string, markers: boolean): string {
  return line.startsWith('\\') && isStructural(line.replace(/^\\+/, ''), markers)
    ? line.slice(1)
    : line
}

function escapeText(text: string, markers: boolean): string {
  return normalizeBookletText(text)
    .split('\n')
    .map((l) => escapeLine(l, markers))
    .join('\n')
}

/** Headings hold one line: a line break (and the spaces around it) becomes one space. */
function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim()
}

const LIST_START = /^(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)/

function field(marker: Marker, text: string): string[] {
  const body = escapeText(text, true)
  const head = `**${MARKER_TITLE[marker]}:**`
  // A list starts on the line after its lead-in; indented text after a blank line (the marker
  // line would swallow its indentation); anything else right after the marker.
  if (LIST_START.test(body)) return [head, body]
  if (/^\s/.test(body)) return [head, '', body]
  return [`${head} ${body}`]
}

/**
 * Writes a booklet file. Text fields are normalised (see `normalizeBookletText`) and one-line
 * fields have their line breaks folded, so what this writes parses back to the same content.
 */
export function bookletToMarkdown(content: BookletContent): string {
  const out: string[] = [`# ${oneLine(content.title) || 'Untitled booklet'}`]
  const block = (...lines: string[]) => out.push('', ...lines)
  const intro = escapeText(content.intro, false)
  if (intro !== '') block(intro)

  block('## Labels')
  for (const label of content.labels) {
    const name = oneLine(label.name)
    block(name === '' || name === label.id ? `### ${label.id}` : `### ${label.id} — ${name}`)
    const definition = escapeText(label.definition, true)
    if (definition !== '') block(definition)
    if (normalizeBookletText(label.includes) !== '') block(...field('includes', label.includes))
    if (normalizeBookletText(label.excludes) !== '') block(...field('excludes', label.excludes))
  }

  block('## Ambiguous examples')
  for (const example of content.examples) {
    block(`### ${oneLine(example.itemId)}`, '', `**Decision:** ${example.label}`)
    if (normalizeBookletText(example.rationale) !== '') {
      block(...field('rationale', example.rationale))
    }
  }

  block('## Discussions')
  for (const d of content.discussions) {
    const title = oneLine(d.title)
    block(title === '' ? `### ${d.date}` : `### ${d.date} — ${title}`)
    const body = escapeText(d.body, false)
    if (body !== '') block(body)
  }
  return `${out.join('\n')}\n`
}
