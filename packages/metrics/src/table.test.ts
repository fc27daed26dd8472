import { describe, expect, it } from 'vitest'
import { MetricsInputError } from './errors'
import type { Annotation } from './table'
import { compileTable, tableFromRows } from './table'

const triples: Annotation[] = [
  { item: 'd2', annotator: 'bob', value: 'pos' },
  { item: 'd1', annotator: 'bob', value: 'neg' },
  { item: 'd1', annotator: 'ann', value: 'pos' },
  { item: 'd2', annotator: 'cy', value: 'neu' },
]

describe('compileTable', () => {
  it('codes items (first seen), annotators (sorted) and categories (sorted) into compressed rows', () => {
    const t = compileTable(triples)
    expect(t.items).toEqual(['d2', 'd1'])
    expect(t.annotators).toEqual(['ann', 'bob', 'cy'])
    expect(t.categories).toEqual(['neg', 'neu', 'pos'])
    expect(Array.from(t.itemStart)).toEqual([0, 2, 4])
    // d2: bob pos, cy neu; d1: ann pos, bob neg (sorted by annotator within each item)
    expect(Array.from(t.annotator)).toEqual([1, 2, 0, 1])
    expect(Array.from(t.value)).toEqual([2, 1, 2, 0])
    expect(t.numeric).toBe(false)
    expect(t.time).toBeUndefined()
  })

  it('orders numbers numerically and keeps a declared category order, unused ones included', () => {
    const t = compileTable([
      { item: 'a', annotator: 'x', value: 10 },
      { item: 'a', annotator: 'y', value: 9 },
    ])
    expect(t.categories).toEqual([9, 10])
    expect(t.numeric).toBe(true)
    const ordered = compileTable(triples, { categories: ['pos', 'neu', 'neg', 'unsure'] })
    expect(ordered.categories).toEqual(['pos', 'neu', 'neg', 'unsure'])
    expect(Array.from(ordered.value)).toEqual([0, 1, 0, 2])
  })

  it('keeps only the listed annotators, in the given order', () => {
    const t = compileTable(triples, { annotators: ['cy', 'bob'] })
    expect(t.annotators).toEqual(['cy', 'bob'])
    expect(t.size).toBe(3)
    expect(t.items).toEqual(['d2', 'd1'])
    expect(t.categories).toEqual(['neg', 'neu', 'pos'])
  })

  it('keeps timestamps when annotations carry them (NaN where one is missing)', () => {
    const t = compileTable([
      { item: 'a', annotator: 'x', value: 1 },
      { item: 'a', annotator: 'y', value: 1, at: 5 },
    ])
    expect(Array.from(t.time ?? [])).toEqual([NaN, 5])
  })

  it.each([
    {
      name: 'a duplicate (item, annotator)',
      input: [...triples, { item: 'd1', annotator: 'ann', value: 'neg' }],
      options: {},
      message: /item 'd1' has more than one value from annotator 'ann'/,
    },
    {
      name: 'mixed numbers and strings',
      input: [...triples, { item: 'd3', annotator: 'ann', value: 3 }],
      options: {},
      message: /mix numbers and strings/,
    },
    {
      name: 'a value outside the declared order',
      input: triples,
      options: { categories: ['pos', 'neg'] },
      message: /'neu' is not in the category order/,
    },
    {
      name: 'a non-finite number',
      input: [{ item: 'a', annotator: 'x', value: Number.NaN }],
      options: {},
      message: /not a finite number/,
    },
    {
      name: 'a missing value field',
      input: [{ item: 'a', annotator: 'x' } as unknown as Annotation],
      options: {},
      message: /string or a number/,
    },
    {
      name: 'a category listed twice',
      input: triples,
      options: { categories: ['pos', 'pos'] },
      message: /listed twice/,
    },
  ])('throws MetricsInputError on $name', ({ input, options, message }) => {
    expect(() => compileTable(input, options)).toThrow(MetricsInputError)
    expect(() => compileTable(input, options)).toThrow(message)
  })

  it('sorts items with many annotators', () => {
    const many = Array.from({ length: 50 }, (_, a) => ({
      item: 'x',
      annotator: `a${String(49 - a).padStart(2, '0')}`,
      value: a % 3,
    }))
    const t = compileTable(many)
    expect(Array.from(t.annotator)).toEqual(Array.from({ length: 50 }, (_, a) => a))
    expect(t.value[0]).toBe(49 % 3)
  })
})

describe('tableFromRows', () => {
  it('reads wide data with null for missing', () => {
    const t = tableFromRows([
      [1, null],
      [2, 3],
    ])
    expect(t.items).toEqual(['1', '2'])
    expect(t.annotators).toEqual(['1', '2'])
    expect(t.size).toBe(3)
  })
})
