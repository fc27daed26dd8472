import { describe, expect, it } from 'vitest'
import { parseCsv } from './csv-parser'
import { ImportError } from './errors'
import {
  itemCsvLayout,
  itemFromCsv,
  itemFromJson,
  MAX_METADATA_CHARS,
  type ItemRow,
} from './item-rows'

function fromCsv(text: string): ItemRow[] {
  const [header, ...rows] = parseCsv(text)
  if (!header) throw new Error('no header')
  const layout = itemCsvLayout(header)
  return rows.map((r) => itemFromCsv(layout, r))
}

function errorOf(run: () => unknown): string {
  try {
    run()
  } catch (err) {
    expect(err).toBeInstanceOf(ImportError)
    return (err as Error).message
  }
  throw new Error('expected an ImportError')
}

describe('items from CSV', () => {
  const ok: Array<{ name: string; csv: string; expected: ItemRow[] }> = [
    {
      name: 'id and text, other columns to metadata',
      csv: 'id,text,lang\n a1 ,hello,en\n',
      expected: [{ externalId: 'a1', text: 'hello', metadata: { lang: 'en' } }],
    },
    {
      name: 'external_id and image_url, header case-insensitive',
      csv: 'External_ID,Image_URL\nx,https://e.org/a.png\n',
      expected: [{ externalId: 'x', mediaUrl: 'https://e.org/a.png', metadata: {} }],
    },
    {
      name: 'id wins over external_id, which then is metadata',
      csv: 'external_id,id,text\nE,I,t\n',
      expected: [{ externalId: 'I', text: 't', metadata: { external_id: 'E' } }],
    },
    {
      name: 'relative media path, empty text',
      csv: 'id,text,url\n1,,img/1.jpg\n',
      expected: [{ externalId: '1', mediaUrl: 'img/1.jpg', metadata: {} }],
    },
  ]
  for (const { name, csv, expected } of ok) {
    it(name, () => expect(fromCsv(csv)).toEqual(expected))
  }

  it('takes custom column names', () => {
    const [header, row] = parseCsv('key,body\nk1,b1\n')
    const layout = itemCsvLayout(header!, { id: ['key'], text: ['body'], media: [] })
    expect(itemFromCsv(layout, row!)).toEqual({ externalId: 'k1', text: 'b1', metadata: {} })
  })

  const bad: Array<{ name: string; csv: string; message: string }> = [
    {
      name: 'no id column',
      csv: 'text\nx\n',
      message: "line 1: no id column; name one of the columns 'id', 'external_id'",
    },
    { name: 'no content column', csv: 'id,lang\n1,en\n', message: 'line 1: no content column' },
    {
      name: 'duplicate column',
      csv: 'id,text,Text\n',
      message: "line 1: columns 2 and 3 are both named 'Text'",
    },
    {
      name: 'unnamed column',
      csv: 'id,text,\n',
      message: 'line 1: column 3 of the header has no name',
    },
    {
      name: 'too few fields',
      csv: 'id,text\n1\n',
      message: 'line 2: expected 2 fields like the header, found 1',
    },
    { name: 'empty id', csv: 'id,text\n1,a\n ,b\n', message: 'line 3: the id is empty' },
    {
      name: 'no content',
      csv: 'id,text,url\n1,,\n',
      message: "line 2: item '1' has neither text nor a media url",
    },
    {
      name: 'unsafe media scheme',
      csv: 'id,url\n1,javascript:alert(1)\n',
      message: "line 2: media url 'javascript:alert(1)' uses 'javascript:'",
    },
  ]
  for (const { name, csv, message } of bad) {
    it(`rejects ${name}`, () => expect(errorOf(() => fromCsv(csv)).startsWith(message)).toBe(true))
  }
})

describe('items from JSONL', () => {
  const ok: Array<{ name: string; value: unknown; expected: ItemRow }> = [
    {
      name: 'numeric id, text, extra keys',
      value: { id: 7, text: 'hi', source: 'web', score: 0.5 },
      expected: { externalId: '7', text: 'hi', metadata: { source: 'web', score: 0.5 } },
    },
    {
      name: 'embedding and metadata object',
      value: { id: 'a', image: 'http://x/y.png', embedding: [0.1, -2], metadata: { k: [1] } },
      expected: {
        externalId: 'a',
        mediaUrl: 'http://x/y.png',
        metadata: { embedding: [0.1, -2], k: [1] },
      },
    },
    {
      name: 'null text with a media url',
      value: { external_id: 'b', text: null, url: 'b.png' },
      expected: { externalId: 'b', mediaUrl: 'b.png', metadata: {} },
    },
  ]
  for (const { name, value, expected } of ok) {
    it(name, () => expect(itemFromJson({ line: 1, value })).toEqual(expected))
  }

  const bad: Array<{ name: string; value: unknown; message: string }> = [
    { name: 'not an object', value: [1], message: 'line 9: expected a JSON object' },
    {
      name: 'no id',
      value: { text: 'x' },
      message: "line 9: no id; set one of 'id', 'external_id'",
    },
    {
      name: 'fractional id',
      value: { id: 1.5, text: 'x' },
      message: "line 9: 'id' must be a string or an integer",
    },
    {
      name: 'text not a string',
      value: { id: 'a', text: 3 },
      message: "line 9: 'text' must be a string",
    },
    {
      name: 'bad embedding',
      value: { id: 'a', text: 'x', embedding: [1, 'two'] },
      message: "line 9: 'embedding' must be an array of finite numbers",
    },
  ]
  for (const { name, value, message } of bad) {
    it(`rejects ${name}`, () =>
      expect(errorOf(() => itemFromJson({ line: 9, value })).startsWith(message)).toBe(true))
  }
})

describe('item metadata size', () => {
  const big = 'x'.repeat(MAX_METADATA_CHARS)
  it('refuses CSV metadata past MAX_METADATA_CHARS with the line', () => {
    expect(errorOf(() => fromCsv(`id,text,notes\n1,hello,short\n2,hello,${big}\n`))).toBe(
      `line 3: the metadata (every column but the id, text and media) is larger than ${MAX_METADATA_CHARS} characters`,
    )
  })
  it('refuses JSONL metadata past the limit, nested or not', () => {
    expect(
      errorOf(() =>
        itemFromJson({ line: 7, value: { id: 1, text: 't', metadata: { deep: [big] } } }),
      ),
    ).toMatch(/^line 7: the metadata/)
  })
  it('does not count an embedding, which is stored as a vector', () => {
    const embedding = Array.from({ length: 20_000 }, (_, i) => i / 3)
    expect(
      itemFromJson({ line: 1, value: { id: 1, text: 't', embedding } }).metadata.embedding,
    ).toBe(embedding)
  })
})
