import { describe, expect, it } from 'vitest'
import { ConcordError } from '../errors'
import {
  decodeBase64,
  embedTexts,
  encodeBase64,
  fitTextFeaturizer,
  parseTextFeaturizer,
  serializeTextFeaturizer,
} from './text-features'

const corpus = [
  'Cheap meds online, buy now and save 80 percent on pills',
  'Buy cheap pills online now: meds with free shipping',
  'Limited offer: cheap watches and pills, buy now',
  'The committee meeting is moved to Thursday afternoon',
  'Minutes of the committee meeting on Thursday are attached',
  'Can we move the Thursday meeting to the afternoon?',
  'The kernel patch fixes a race in the scheduler',
  'Scheduler race fixed by the new kernel patch, please test',
  'Kernel build fails after the scheduler patch',
  'Garden party on Saturday, bring salads and drinks',
  'Saturday garden party: who brings the drinks?',
  'Drinks and salads for the party in the garden',
]

function cosine(X: Float32Array, d: number, a: number, b: number): number {
  let s = 0
  for (let j = 0; j < d; j++) s += X[a * d + j]! * X[b * d + j]!
  return s
}

function norm(X: Float32Array, d: number, row: number): number {
  return Math.sqrt(cosine(X, d, row, row))
}

describe('fitTextFeaturizer and embedTexts', () => {
  const model = fitTextFeaturizer(corpus, { dims: 8 })
  const X = embedTexts(model, corpus)

  it('gives one unit-norm row of `dims` values per text', () => {
    expect(X.length).toBe(corpus.length * 8)
    for (let i = 0; i < corpus.length; i++) expect(norm(X, 8, i)).toBeCloseTo(1, 5)
  })

  it('places texts on the same topic closer than texts on other topics', () => {
    // Topics are rows 0-2, 3-5, 6-8, 9-11.
    const topic = (i: number) => Math.floor(i / 3)
    for (let a = 0; a < corpus.length; a++) {
      let worstSame = Infinity
      let bestOther = -Infinity
      for (let b = 0; b < corpus.length; b++) {
        if (a === b) continue
        const c = cosine(X, 8, a, b)
        if (topic(a) === topic(b)) worstSame = Math.min(worstSame, c)
        else bestOther = Math.max(bestOther, c)
      }
      expect(worstSame).toBeGreaterThan(bestOther)
    }
  })

  it('embeds new texts by the fitted vocabulary', () => {
    const [spam, meeting] = [0, 1].map((i) =>
      embedTexts(model, [['buy pills now', 'thursday meeting minutes'][i]!]),
    )
    const spamRow = embedTexts(model, [corpus[0]!])
    const meetingRow = embedTexts(model, [corpus[3]!])
    const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, j) => s + v * b[j]!, 0)
    expect(dot(spam!, spamRow)).toBeGreaterThan(dot(spam!, meetingRow))
    expect(dot(meeting!, meetingRow)).toBeGreaterThan(dot(meeting!, spamRow))
  })

  it.each(['', '   ', '?!... ---', 'zzyzx qwxv'])(
    'gives the zero vector, not NaN, for a text without known words: %j',
    (text) => {
      const row = embedTexts(model, [text])
      expect([...row]).toEqual(new Array(8).fill(0))
    },
  )

  it('is deterministic for a seed and changes with the seed', () => {
    const again = fitTextFeaturizer(corpus, { dims: 8 })
    expect(embedTexts(again, corpus)).toEqual(X)
    const other = fitTextFeaturizer(corpus, { dims: 8, seed: 1 })
    expect(other.vocabulary).not.toEqual(model.vocabulary)
  })

  it('ignores case and punctuation', () => {
    const a = embedTexts(model, ['CHEAP PILLS, buy NOW!'])
    const b = embedTexts(model, ['cheap pills buy now'])
    expect(a).toEqual(b)
  })

  it('gives texts in scripts without spaces features (character bigrams)', () => {
    const texts = [
      '今天天气很好我们去公园散步',
      '今天天气不错我们去公园',
      '会议改到星期四下午开',
      '星期四下午的会议',
    ]
    const m = fitTextFeaturizer(texts, { dims: 4 })
    const E = embedTexts(m, texts)
    for (let i = 0; i < 4; i++) expect(norm(E, 4, i)).toBeCloseTo(1, 5)
    expect(cosine(E, 4, 0, 1)).toBeGreaterThan(cosine(E, 4, 0, 2))
    expect(cosine(E, 4, 2, 3)).toBeGreaterThan(cosine(E, 4, 1, 3))
  })

  it('keeps only features seen in two texts or more, most frequent first', () => {
    const m = fitTextFeaturizer(['a b', 'a c', 'a b d'], { dims: 2 })
    // a (3 texts), b (2), the pair "a b" (2); c, d and the other pairs occur once.
    expect(m.vocabulary.length).toBe(3)
    expect(m.idf[0]).toBeCloseTo(Math.log(4 / 4) + 1, 6)
    expect(m.idf[1]).toBeCloseTo(Math.log(4 / 3) + 1, 6)
  })

  it('works on a single text and on none', () => {
    const one = fitTextFeaturizer(['hello world'], { dims: 4 })
    const row = embedTexts(one, ['hello world'])
    expect(norm(row, 4, 0)).toBeCloseTo(1, 5)
    const none = fitTextFeaturizer([], { dims: 4 })
    expect([...embedTexts(none, ['hello'])]).toEqual([0, 0, 0, 0])
  })

  it('leaves dimensions past the rank of the data at zero', () => {
    const m = fitTextFeaturizer(['red apple', 'red apple', 'green pear', 'green pear'], {
      dims: 16,
    })
    const E = embedTexts(m, ['red apple'])
    expect(E.slice(4).every((v) => v === 0)).toBe(true)
  })
})

describe('serializeTextFeaturizer and parseTextFeaturizer', () => {
  const model = fitTextFeaturizer(corpus, { dims: 8 })

  it('survive a JSON round trip with identical embeddings', () => {
    const json = JSON.parse(JSON.stringify(serializeTextFeaturizer(model))) as unknown
    const back = parseTextFeaturizer(json)
    expect(back).toEqual(model)
    expect(embedTexts(back, corpus)).toEqual(embedTexts(model, corpus))
  })

  const good = serializeTextFeaturizer(model)
  const broken: { name: string; json: unknown; message: RegExp }[] = [
    { name: 'not an object', json: 'x', message: /expected an object/ },
    { name: 'another kind', json: { ...good, kind: 'other' }, message: /kind is "other"/ },
    { name: 'a future version', json: { ...good, version: 2 }, message: /version 2/ },
    { name: 'a fractional dims', json: { ...good, dims: 1.5 }, message: /dims is not an integer/ },
    { name: 'bad base64', json: { ...good, idf: 'a$bc' }, message: /invalid base64/ },
    {
      name: 'arrays of mismatched length',
      json: { ...good, idf: encodeBase64(new Uint8Array(4)) },
      message: /\d+ vocabulary entries, 1 idf values/,
    },
    {
      name: 'buckets not a power of two',
      json: { ...good, buckets: 1000 },
      message: /power of two/,
    },
  ]
  it.each(broken)('refuse $name', ({ json, message }) => {
    expect(() => parseTextFeaturizer(json)).toThrow(ConcordError)
    expect(() => parseTextFeaturizer(json)).toThrow(message)
  })
})

describe('options', () => {
  it.each([
    [{ dims: 0 }, /dims must be an integer in 1..1024/],
    [{ buckets: 1000 }, /buckets must be a power of two/],
    [{ vocabulary: 0 }, /vocabulary must be a positive integer/],
    [{ seed: 0.5 }, /seed must be an integer/],
  ])('refuses %o', (options, message) => {
    expect(() => fitTextFeaturizer(corpus, options)).toThrow(message)
  })
})

describe('base64', () => {
  it.each([
    ['', ''],
    ['f', 'Zg=='],
    ['fo', 'Zm8='],
    ['foo', 'Zm9v'],
    ['foobar', 'Zm9vYmFy'],
  ])('encodes %j as %j (RFC 4648 test vectors) and back', (text, b64) => {
    const bytes = new TextEncoder().encode(text)
    expect(encodeBase64(bytes)).toBe(b64)
    expect(decodeBase64(b64)).toEqual(bytes)
  })
})

describe('pace', () => {
  it('is called between units of work and changes nothing in the result', () => {
    const counts = { fit: 0, embed: 0 }
    const plain = fitTextFeaturizer(corpus, { dims: 4, seed: 3 })
    const paced = fitTextFeaturizer(corpus, { dims: 4, seed: 3, pace: () => counts.fit++ })
    expect(serializeTextFeaturizer(paced)).toEqual(serializeTextFeaturizer(plain))
    // At least once per text counted, per sampled text, per vocabulary column and per kept
    // direction of the SVD.
    expect(counts.fit).toBeGreaterThan(2 * corpus.length + plain.vocabulary.length)
    const X = embedTexts(plain, corpus, () => counts.embed++)
    expect(counts.embed).toBe(corpus.length)
    expect([...X]).toEqual([...embedTexts(plain, corpus)])
  })
})
