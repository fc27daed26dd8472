import { describe, expect, it } from 'vitest'
import { consensusFor } from './consensus'

describe('consensusFor', () => {
  it.each([
    ['adjudicated wins over a majority', { a: 3 }, 'b', 3, 'b', 'adjudicated', []],
    [
      'adjudicated wins over a tie, ties still listed',
      { a: 1, b: 1 },
      'c',
      2,
      'c',
      'adjudicated',
      ['a', 'b'],
    ],
    ['adjudicated wins with no labels', {}, 'a', 3, 'a', 'adjudicated', []],
    ['unanimous with K labels', { a: 3 }, null, 3, 'a', 'majority', []],
    ['2 of 3 is a strict majority', { a: 2, b: 1 }, null, 3, 'a', 'majority', []],
    ['3 of 5 is a strict majority', { a: 3, b: 1, c: 1 }, undefined, 5, 'a', 'majority', []],
    ['more labels than K still count', { a: 3, b: 1 }, null, 2, 'a', 'majority', []],
    ['fewer than K labels: none', { a: 2 }, null, 3, null, 'none', []],
    [
      'fewer than K labels and tied: ties listed',
      { b: 1, a: 1 },
      null,
      3,
      null,
      'none',
      ['a', 'b'],
    ],
    ['a tie is not a majority', { a: 2, b: 2 }, null, 4, null, 'none', ['a', 'b']],
    ['three-way tie', { c: 1, a: 1, b: 1 }, null, 3, null, 'none', ['a', 'b', 'c']],
    ['2-2-1 tie of the leaders', { a: 2, b: 2, c: 1 }, null, 5, null, 'none', ['a', 'b']],
    [
      'plurality without majority: none, no tie',
      { a: 2, b: 1, c: 1, d: 1 },
      null,
      5,
      null,
      'none',
      [],
    ],
    ['half is not a strict majority', { a: 2, b: 1, c: 1 }, null, 4, null, 'none', []],
    ['no labels at all', {}, null, 2, null, 'none', []],
    ['zero counts are ignored', { a: 2, b: 0 }, null, 2, 'a', 'majority', []],
    ['multi-label sets vote as one value', { 'a|b': 2, a: 1 }, null, 3, 'a|b', 'majority', []],
  ] as const)('%s', (_name, votes, adjudicated, k, label, rule, ties) => {
    expect(consensusFor(votes, adjudicated, k)).toEqual({ label, rule, ties })
  })

  it('accepts a Map of votes', () => {
    expect(
      consensusFor(
        new Map([
          ['x', 2],
          ['y', 1],
        ]),
        null,
        3,
      ),
    ).toEqual({
      label: 'x',
      rule: 'majority',
      ties: [],
    })
  })
})
