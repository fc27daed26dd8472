import { describe, expect, it } from 'vitest'
import { masiAlpha, masiDistance } from './masi'
import { compileMultiLabelTable } from './multi-label-table'
import { Reasons } from './result'
import type { Annotation } from './table'

describe('masiDistance (Passonneau 2006): d = 1 − J·M', () => {
  it.each([
    // Derived by hand from the definition (J = Jaccard, M = 1, 2/3, 1/3, 0).
    { a: [1, 2], b: [1, 2], d: 0, why: 'equal sets: J = 1, M = 1' },
    { a: [1, 2], b: [1, 2, 3, 4], d: 1 - 0.5 * (2 / 3), why: 'subset: J = 2/4, M = 2/3' },
    { a: [1, 2], b: [2, 3], d: 1 - (1 / 3) * (1 / 3), why: 'overlap: J = 1/3, M = 1/3' },
    { a: [1], b: [2], d: 1, why: 'disjoint: J = 0' },
    { a: [], b: [], d: 0, why: 'two empty sets' },
  ])('$why', ({ a, b, d }) => {
    expect(masiDistance(a, b)).toBeCloseTo(d, 12)
    expect(masiDistance(b, a)).toBeCloseTo(d, 12)
  })
})

const triples = (rows: [string, string, string[]][]): Annotation[] =>
  rows.flatMap(([item, annotator, labels]) => labels.map((value) => ({ item, annotator, value })))

describe('masiAlpha', () => {
  it('equals a value derived by hand from the coincidences of label sets', () => {
    // Item 1: {x} and {x, y}; item 2: {y} and {y}. Sets: A = {x}, B = {x, y}, C = {y}.
    // Coincidences (m = 2, weight 1): o_AB = o_BA = 1, o_CC = 2; n_A = n_B = 1, n_C = 2, n = 4.
    // d(A,B) = 1 − (1/2)(2/3) = 2/3, d(A,C) = 1, d(B,C) = 2/3.
    // Σ o d = 2·(2/3) = 4/3; Σ n n d = 2(1·1·2/3 + 1·2·1 + 1·2·2/3) = 2(2/3 + 2 + 4/3) = 8.
    // α = 1 − 3·(4/3)/8 = 1/2.
    const t = compileMultiLabelTable(
      triples([
        ['1', 'ann', ['x']],
        ['1', 'bob', ['x', 'y']],
        ['2', 'ann', ['y']],
        ['2', 'bob', ['y']],
      ]),
    )
    const r = masiAlpha(t)
    expect(r.value).toBeCloseTo(0.5, 12)
    expect(r.counts).toEqual({ items: 2, annotators: 2, pairableValues: 4, categories: 2 })
  })

  it('is 1 when every annotator gives the same set and sets vary', () => {
    const t = compileMultiLabelTable(
      triples([
        ['1', 'a', ['x', 'y']],
        ['1', 'b', ['y', 'x']],
        ['2', 'a', ['z']],
        ['2', 'b', ['z']],
      ]),
    )
    expect(masiAlpha(t).value).toBe(1)
  })

  it('returns NaN with a reason when nothing is pairable or every set is the same', () => {
    const single = compileMultiLabelTable(triples([['1', 'a', ['x']]]))
    expect(masiAlpha(single).reason).toBe(Reasons.noPairableUnits)
    const same = compileMultiLabelTable(
      triples([
        ['1', 'a', ['x']],
        ['1', 'b', ['x']],
      ]),
    )
    expect(masiAlpha(same).value).toBeNaN()
    expect(masiAlpha(same).reason).toBe(Reasons.expectedDisagreementZero)
  })
})

describe('compileMultiLabelTable', () => {
  it('collects repeated triples into sets, once per label', () => {
    const t = compileMultiLabelTable([
      { item: 'q', annotator: 'b', value: 'y' },
      { item: 'q', annotator: 'a', value: 'y' },
      { item: 'q', annotator: 'a', value: 'x' },
      { item: 'q', annotator: 'a', value: 'x' },
    ])
    expect(t.annotators).toEqual(['a', 'b'])
    expect(t.labels).toEqual(['x', 'y'])
    expect(t.size).toBe(2)
    expect(t.sets[t.setOf[0] as number]).toEqual([0, 1])
    expect(t.sets[t.setOf[1] as number]).toEqual([1])
  })
})
