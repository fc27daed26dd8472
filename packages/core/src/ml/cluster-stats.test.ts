import { describe, expect, it } from 'vitest'
import { ConcordError } from '../errors'
import { clusterStats } from './cluster-stats'

describe('clusterStats', () => {
  it('counts, averages disagreement and finds the gap (hand-computed)', () => {
    // 10 items, 3 clusters, 2 classes. Labelled: 4 of 10, so the gap threshold is 0.2.
    // Cluster 0: 4 items, 3 labelled (0.75). Cluster 1: 5 items, 1 labelled (0.2, not below).
    // Cluster 2: 1 item, none labelled (0 < 0.2: a gap).
    const assignments = Int32Array.from([0, 0, 0, 0, 1, 1, 1, 1, 1, 2])
    const labels = Int32Array.from([0, 1, 1, -1, -1, -1, 0, -1, -1, -1])
    const disagreement = Float64Array.from([0, 0.5, 1, NaN, NaN, NaN, 0.25, NaN, NaN, NaN])
    expect(clusterStats(assignments, labels, disagreement, 3, 2)).toEqual([
      { cluster: 0, size: 4, labelled: 3, labelCounts: [1, 2], meanDisagreement: 0.5, gap: false },
      { cluster: 1, size: 5, labelled: 1, labelCounts: [1, 0], meanDisagreement: 0.25, gap: false },
      { cluster: 2, size: 1, labelled: 0, labelCounts: [0, 0], meanDisagreement: null, gap: true },
    ])
  })

  const gapCases: {
    name: string
    labels: number[]
    gapShare?: number
    gaps: boolean[]
  }[] = [
    // Clusters: items 0-3 in 0, items 4-7 in 1.
    {
      name: 'nothing labelled: no gap',
      labels: [-1, -1, -1, -1, -1, -1, -1, -1],
      gaps: [false, false],
    },
    { name: 'all labelled: no gap', labels: [0, 0, 0, 0, 1, 1, 1, 1], gaps: [false, false] },
    // s = 3/8, threshold 3/16; cluster 1 has 0.
    { name: 'one side unlabelled', labels: [0, 1, 0, -1, -1, -1, -1, -1], gaps: [false, true] },
    // s = 4/8, threshold 1/4: cluster 1 at 1/4 is not below it.
    { name: 'at the threshold', labels: [0, 0, 0, -1, 1, -1, -1, -1], gaps: [false, false] },
    {
      name: 'explicit gapShare',
      labels: [0, 0, 0, -1, 1, -1, -1, -1],
      gapShare: 0.5,
      gaps: [false, true],
    },
  ]
  it.each(gapCases)('gap rule: $name', ({ labels, gapShare, gaps }) => {
    const stats = clusterStats(
      Int32Array.from([0, 0, 0, 0, 1, 1, 1, 1]),
      Int32Array.from(labels),
      new Float64Array(8).fill(NaN),
      2,
      2,
      gapShare === undefined ? {} : { gapShare },
    )
    expect(stats.map((s) => s.gap)).toEqual(gaps)
  })

  it('reports an empty cluster without calling it a gap', () => {
    const [, empty] = clusterStats(Int32Array.from([0]), Int32Array.from([-1]), [NaN], 2)
    expect(empty).toEqual({
      cluster: 1,
      size: 0,
      labelled: 0,
      labelCounts: [],
      meanDisagreement: null,
      gap: false,
    })
  })

  it.each([
    {
      name: 'misaligned inputs',
      run: () => clusterStats(Int32Array.from([0, 0]), Int32Array.from([0]), [0, 0], 1),
      message: /got 2, 1 and 2/,
    },
    {
      name: 'a cluster out of range',
      run: () => clusterStats(Int32Array.from([3]), Int32Array.from([0]), [0], 2),
      message: /item 0 is in cluster 3, outside 0..1/,
    },
    {
      name: 'a label beyond labelCount',
      run: () => clusterStats(Int32Array.from([0]), Int32Array.from([2]), [0], 1, 2),
      message: /label 2 is outside the 2 classes/,
    },
  ])('refuses $name', ({ run, message }) => {
    expect(run).toThrow(ConcordError)
    expect(run).toThrow(message)
  })
})
