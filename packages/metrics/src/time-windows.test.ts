import { describe, expect, it } from 'vitest'
import { MetricsInputError } from './errors'
import { krippendorffAlpha } from './krippendorff-alpha'
import { Reasons } from './result'
import { agreementOverTime } from './time-windows'
import type { Annotation } from './table'
import { compileTable, tableFromRows } from './table'
import { krippendorff2011 } from './testing/published'

const withTimes = (times: (i: number, j: number) => number): Annotation[] =>
  krippendorff2011.flatMap((row, i) =>
    row.flatMap((value, j) =>
      value === null
        ? []
        : [{ item: `${i + 1}`, annotator: 'ABCD'[j] as string, value, at: times(i, j) }],
    ),
  )

describe('agreementOverTime', () => {
  it('one window holding everything equals alpha over the whole table', () => {
    const t = compileTable(withTimes(() => 5))
    for (const level of ['nominal', 'ordinal', 'interval', 'ratio'] as const) {
      const [w] = agreementOverTime(t, { width: 10, level })
      expect(w?.alpha.value).toBeCloseTo(
        krippendorffAlpha(tableFromRows(krippendorff2011), { level }).value,
        12,
      )
      expect(w?.alpha.counts.pairableValues).toBeCloseTo(40, 12)
      expect(w?.annotations).toBe(41)
    }
  })

  it('counts each pair in the window of its later value; windows add up to the whole', () => {
    // Annotator A labels at t = 0, B at 10, C at 20, D at 30; windows of width 10.
    const t = compileTable(withTimes((_, j) => j * 10))
    const windows = agreementOverTime(t, { width: 10 })
    expect(windows.map((w) => [w.start, w.end, w.annotations])).toEqual([
      [0, 10, 9],
      [10, 20, 10],
      [20, 30, 11],
      [30, 40, 11],
    ])
    // Nothing is comparable in the first window: only A has labelled.
    expect(windows[0]?.alpha.value).toBeNaN()
    expect(windows[0]?.alpha.reason).toBe(Reasons.noPairableUnits)
    expect(windows[0]?.agreement.reason).toBe(Reasons.noPairableUnits)
    const total = windows.reduce((s, w) => s + w.alpha.counts.pairableValues, 0)
    expect(total).toBeCloseTo(40, 9)
    // Window 2 holds the A-B pairs: items 1-9 (both rated), weighted 1/(m_u − 1).
    expect(windows[1]?.alpha.counts.items).toBe(9)
    expect(windows[1]?.alpha.counts.annotators).toBe(2)
  })

  it('throws MetricsInputError without timestamps or with a bad width', () => {
    const noTimes = tableFromRows(krippendorff2011)
    expect(() => agreementOverTime(noTimes, { width: 1 })).toThrow(MetricsInputError)
    const partial = compileTable([
      { item: '1', annotator: 'a', value: 'x', at: 1 },
      { item: '1', annotator: 'b', value: 'x' },
    ])
    expect(() => agreementOverTime(partial, { width: 1 })).toThrow(
      /item '1' by 'b' has no timestamp/,
    )
    expect(() => agreementOverTime(compileTable(withTimes(() => 1)), { width: 0 })).toThrow(
      /positive/,
    )
  })
})
