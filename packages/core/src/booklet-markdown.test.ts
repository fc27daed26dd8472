import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { normalizeBookletText, type BookletContent } from './booklet-content'
import { bookletToMarkdown, parseBookletMarkdown } from './booklet-markdown'
import { ConcordError } from './errors'

const SAMPLE = `# Sentiment

How we label product reviews.

Ask in #labelling when unsure.

## Labels

### pos — Positive

The reviewer recommends the product.

**Includes:**
- praise with a minor complaint
- "would buy again"

**Excludes:** sarcasm (see \`neg\`).

### neg — Negative

The reviewer advises against it.

## Ambiguous examples

### r-17

**Decision:** neg

**Rationale:** "Great, it broke on day two" is sarcasm.

### r-18
**Decision:** \`pos\`

## Discussions

### 2024-05-14 — Sarcasm

We agreed that sarcasm follows the intended meaning.

#### Follow-up
Rita adds examples.
`

function errorOf(text: string): ConcordError {
  try {
    parseBookletMarkdown(text)
  } catch (err) {
    if (err instanceof ConcordError) return err
    throw err
  }
  throw new Error('expected a ConcordError')
}

describe('parseBookletMarkdown', () => {
  it('reads title, intro, labels, examples and discussions', () => {
    expect(parseBookletMarkdown(SAMPLE)).toEqual({
      title: 'Sentiment',
      intro: 'How we label product reviews.\n\nAsk in #labelling when unsure.',
      labels: [
        {
          id: 'pos',
          name: 'Positive',
          definition: 'The reviewer recommends the product.',
          includes: '- praise with a minor complaint\n- "would buy again"',
          excludes: 'sarcasm (see `neg`).',
        },
        {
          id: 'neg',
          name: 'Negative',
          definition: 'The reviewer advises against it.',
          includes: '',
          excludes: '',
        },
      ],
      examples: [
        { itemId: 'r-17', label: 'neg', rationale: '"Great, it broke on day two" is sarcasm.' },
        { itemId: 'r-18', label: 'pos', rationale: '' },
      ],
      discussions: [
        {
          date: '2024-05-14',
          title: 'Sarcasm',
          body: 'We agreed that sarcasm follows the intended meaning.\n\n#### Follow-up\nRita adds examples.',
        },
      ],
    } satisfies BookletContent)
  })

  it('accepts CRLF, a BOM, other dashes and a label heading without a name', () => {
    const text =
      '\uFEFF# T\r\n\r\n## Labels\r\n### a - Alpha\r\n### b\r\n## Discussions\r\n### 2024-01-02\r\n'
    const parsed = parseBookletMarkdown(text)
    expect(parsed.labels.map((l) => [l.id, l.name])).toEqual([
      ['a', 'Alpha'],
      ['b', 'b'],
    ])
    expect(parsed.discussions).toEqual([{ date: '2024-01-02', title: '', body: '' }])
    expect(parsed.examples).toEqual([])
  })

  it('reports structure errors with their line number', () => {
    const cases: [string, RegExp][] = [
      ['intro first\n# T\n', /^booklet line 1: expected the title/],
      ['# T\n## Labels\n### a — A\n# Again\n', /^booklet line 4: a second title/],
      ['# T\n\n## Guidelines\n', /^booklet line 3: unknown section '## Guidelines'/],
      ['# T\n### a — A\n', /^booklet line 2: '### a — A' outside a section/],
      ['# T\n## Labels\nsome text\n', /^booklet line 3: text before the first '### '/],
      [
        '# T\n## Labels\n### not an id! — X\n',
        /^booklet line 3: expected '### <label id> — <name>'/,
      ],
      ['# T\n## Labels\n### a\n### a\n', /^booklet line 4: label 'a' is defined twice/],
      ['# T\n## Labels\n### a\n**Includes:** x\n**Includes:** y\n', /^booklet line 5: a second/],
      ['# T\n## Labels\n### a\n**Decision:** a\n', /^booklet line 4: '\*\*Decision:\*\*' belongs/],
      [
        '# T\n## Labels\n### a\n## Examples\n### i1\n**Rationale:** r\n',
        /^booklet line 5: example 'i1' has no/,
      ],
      [
        '# T\n## Labels\n### a\n## Examples\n### i1\nwhy\n**Decision:** a\n',
        /^booklet line 6: expected '\*\*Decision:\*\*/,
      ],
      [
        '# T\n## Labels\n### a\n## Examples\n### i1\n**Decision:** b\n',
        /^booklet line 6: decision 'b' is not a label of this booklet \('a'\)/,
      ],
      [
        '# T\n## Labels\n### a\n## Examples\n### i1\n**Decision:** a or b\n',
        /^booklet line 6: expected one label id/,
      ],
      [
        '# T\n## Discussions\n### May 14 — x\n',
        /^booklet line 3: expected '### <YYYY-MM-DD> — <title>'/,
      ],
      ['# T\n## Labels\n## Labels\n', /^booklet line 3: a second '## Labels' section/],
      ['#\n', /^booklet line 1: the title is empty/],
      ['\n\n', /^booklet line 3: expected the title line/],
    ]
    for (const [text, message] of cases) {
      const err = errorOf(text)
      expect(err.code, text).toBe('bad_request')
      expect(err.message, text).toMatch(message)
      expect(err.details[0]?.path, text).toMatch(/^line \d+$/)
    }
  })
})

describe('bookletToMarkdown', () => {
  it('writes the sample back in canonical form', () => {
    const parsed = parseBookletMarkdown(SAMPLE)
    const written = bookletToMarkdown(parsed)
    expect(written).toContain(
      '### pos — Positive\n\nThe reviewer recommends the product.\n\n**Includes:**\n- praise',
    )
    expect(written).toContain('**Excludes:** sarcasm (see `neg`).')
    expect(written).toContain('### r-18\n\n**Decision:** pos\n')
    expect(parseBookletMarkdown(written)).toEqual(parsed)
    expect(bookletToMarkdown(parseBookletMarkdown(written))).toBe(written)
  })

  it('escapes text lines that would read as structure', () => {
    const content: BookletContent = {
      title: 'T',
      intro: '# not a title\n**Decision:** stays plain in the intro',
      labels: [
        {
          id: 'a',
          name: 'A',
          definition: '## not a section\n\\### already escaped\n**Excludes:** not a field',
          includes: '### x',
          excludes: '',
        },
      ],
      examples: [{ itemId: 'i 1', label: 'a', rationale: '**Rationale:** twice' }],
      discussions: [{ date: '2024-01-01', title: '', body: '## minutes\n#### fine as it is' }],
    }
    const written = bookletToMarkdown(content)
    expect(written).toContain('\\# not a title\n**Decision:** stays plain')
    expect(written).toContain('\\## not a section\n\\\\### already escaped\n\\**Excludes:**')
    expect(written).toContain('**Includes:** \\### x')
    expect(written).toContain('\\## minutes\n#### fine as it is')
    expect(parseBookletMarkdown(written)).toEqual(content)
  })

  it('folds line breaks out of one-line fields', () => {
    const written = bookletToMarkdown({
      title: 'Two\nlines',
      intro: '',
      labels: [{ id: 'a', name: 'A\n  B', definition: '', includes: '', excludes: '' }],
      examples: [],
      discussions: [],
    })
    expect(written.startsWith('# Two lines\n')).toBe(true)
    expect(written).toContain('### a — A B\n')
  })
})

// ---- round trip ------------------------------------------------------------------------------

const pieces = [
  'word',
  'Ünïcödé',
  ' ',
  '  ',
  '\t',
  '\n',
  '\n\n',
  '#',
  '## ',
  '### ',
  '#### ',
  '\\',
  '- ',
  '* ',
  '1. ',
  '**Includes:**',
  '**excludes**:',
  '**Decision:** ',
  '**Rationale:**',
  '`code`',
  '—',
  ' — ',
  '-',
  ':',
  '> ',
]
const rawText = fc.array(fc.constantFrom(...pieces), { maxLength: 12 }).map((p) => p.join(''))
const blockText = rawText.map(normalizeBookletText)
const oneLineText = rawText
  .map((s) => s.replace(/\s*[\r\n]+\s*/g, ' ').trim())
  .filter((s) => s !== '')
const labelId = fc.stringMatching(/^[A-Za-z0-9_.-]{1,12}$/)
const date = fc
  .tuple(
    fc.integer({ min: 1990, max: 2099 }),
    fc.integer({ min: 1, max: 12 }),
    fc.integer({ min: 1, max: 28 }),
  )
  .map(([y, m, d]) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`)

const booklet: fc.Arbitrary<BookletContent> = fc
  .record({
    title: oneLineText,
    intro: blockText,
    labels: fc.uniqueArray(
      fc.record({
        id: labelId,
        name: oneLineText,
        definition: blockText,
        includes: blockText,
        excludes: blockText,
      }),
      { minLength: 1, maxLength: 4, selector: (l) => l.id },
    ),
    examples: fc.array(fc.record({ itemId: oneLineText, pick: fc.nat(), rationale: blockText }), {
      maxLength: 3,
    }),
    discussions: fc.array(
      fc.record({ date, title: fc.oneof(fc.constant(''), oneLineText), body: blockText }),
      { maxLength: 3 },
    ),
  })
  .map(({ examples, ...rest }) => ({
    ...rest,
    examples: examples.map(({ pick, ...e }) => ({
      ...e,
      label: rest.labels[pick % rest.labels.length]?.id ?? 'x',
    })),
  }))

describe('round trip', () => {
  it('parse(toMarkdown(x)) equals x for any canonical booklet', () => {
    fc.assert(
      fc.property(booklet, (content) => {
        expect(parseBookletMarkdown(bookletToMarkdown(content))).toEqual(content)
      }),
      { numRuns: 500 },
    )
  })

  it('toMarkdown(parse(file)) is a fixed point after one pass', () => {
    fc.assert(
      fc.property(booklet, (content) => {
        const once = bookletToMarkdown(content)
        expect(bookletToMarkdown(parseBookletMarkdown(once))).toBe(once)
      }),
      { numRuns: 200 },
    )
  })
})
