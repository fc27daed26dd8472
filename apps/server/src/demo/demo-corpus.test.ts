import { readFileSync } from 'node:fs'
import { parseBookletMarkdown } from '@concord/core'
import { beforeAll, describe, expect, it } from 'vitest'
import { DEMO_MIX, loadDemoCorpus, MIN_BODY_CHARS, type DemoEmail } from './demo-corpus'
import { DEMO_BOOKLET_FILE } from './seed'

describe('loadDemoCorpus', () => {
  let corpus: DemoEmail[]
  beforeAll(() => {
    corpus = loadDemoCorpus()
  })

  it('picks 300 emails in the documented mix, each once', () => {
    expect(corpus).toHaveLength(300)
    const byGroup: Record<string, number> = {}
    for (const e of corpus) byGroup[e.metadata.group] = (byGroup[e.metadata.group] ?? 0) + 1
    expect(byGroup).toEqual({ ...DEMO_MIX })
    expect(new Set(corpus.map((e) => e.externalId)).size).toBe(300)
    expect(new Set(corpus.map((e) => e.text)).size).toBe(300)
  })

  it('keeps the corpus group and id in the metadata, and out of the id annotators see', () => {
    for (const e of corpus) {
      expect(e.externalId).toMatch(/^mail-[0-9a-f]{8}$/)
      expect(e.metadata).toEqual({
        source: 'spamassassin',
        group: expect.stringMatching(/^(easy-ham-[12]|hard-ham-1|spam-[12])$/),
        corpusId: expect.stringMatching(/^(easy-ham-[12]|hard-ham-1|spam-[12])\/\d{5}$/),
      })
      expect(String(e.metadata.corpusId).startsWith(`${String(e.metadata.group)}/`)).toBe(true)
    }
  })

  it('gives readable texts of bounded length', () => {
    for (const e of corpus) {
      expect(e.text).toMatch(/^Subject: .*\nFrom: .*\n\n/)
      const body = e.text.split('\n\n').slice(1).join('\n\n')
      expect(body.length).toBeGreaterThanOrEqual(Math.min(MIN_BODY_CHARS, 80))
      expect(e.text.length).toBeLessThanOrEqual(1200)
      expect(e.text).not.toMatch(/<\/?(?:html|body|div|table|font)\b/i)
    }
  })

  it('is deterministic and interleaves the groups', () => {
    const again = loadDemoCorpus()
    expect(again.map((e) => e.externalId)).toEqual(corpus.map((e) => e.externalId))
    expect(again.map((e) => e.text)).toEqual(corpus.map((e) => e.text))
    const firstGroups = new Set(corpus.slice(0, 20).map((e) => e.metadata.group))
    expect(firstGroups.size).toBeGreaterThanOrEqual(4)
  })

  it('holds every item the demo booklet cites as an example', () => {
    const booklet = parseBookletMarkdown(readFileSync(DEMO_BOOKLET_FILE, 'utf8'))
    const ids = new Set(corpus.map((e) => e.externalId))
    expect(booklet.examples.length).toBeGreaterThanOrEqual(2)
    for (const example of booklet.examples)
      expect(ids.has(example.itemId), example.itemId).toBe(true)
    // Ids cited in the discussions' text are demo items too.
    const cited = booklet.discussions.flatMap((d) => d.body.match(/\bmail-[0-9a-f]{8}\b/g) ?? [])
    for (const id of cited) expect(ids.has(id), id).toBe(true)
  })
})
