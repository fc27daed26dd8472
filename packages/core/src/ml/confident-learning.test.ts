import { describe, expect, it } from 'vitest'
import { ConcordError } from '../errors'
import { confidentJoint, findLabelIssues } from './confident-learning'
import { outOfFoldProba } from './cross-validate'
import { gaussian, mulberry32 } from './random'

describe('confidentJoint and findLabelIssues: hand-computed', () => {
  // Thresholds: t0 = (0.8 + 0.6 + 0.1) / 3 = 0.5, t1 = (0.7 + 0.8 + 0.3) / 3 = 0.6,
  // t2 = (0.8 + 0.6) / 2 = 0.7. Confident classes: 0, 0, 1, 1, 1, 0 (p0 = 0.5 reaches t0),
  // 2, none (0.6 < t2 and nothing else qualifies).
  const given = Int32Array.from([0, 0, 0, 1, 1, 1, 2, 2])
  const proba = Float32Array.from([
    0.8, 0.1, 0.1, 0.6, 0.3, 0.1, 0.1, 0.7, 0.2, 0.2, 0.7, 0.1, 0.1, 0.8, 0.1, 0.5, 0.3, 0.2, 0.1,
    0.1, 0.8, 0.3, 0.1, 0.6,
  ])

  it('computes the thresholds, the confident classes and the joint', () => {
    const cj = confidentJoint(given, proba, 3)
    expect([...cj.thresholds].map((t) => Number(t.toFixed(6)))).toEqual([0.5, 0.6, 0.7])
    expect([...cj.confidentClass]).toEqual([0, 0, 1, 1, 1, 0, 2, -1])
    // Rows: given label; columns: confident class.
    expect([...cj.joint]).toEqual([2, 1, 0, 1, 2, 0, 0, 0, 1])
  })

  it('flags the off-diagonal items, lowest self-confidence first', () => {
    const issues = findLabelIssues(given, proba, 3)
    expect(
      issues.map((i) => ({ ...i, selfConfidence: Number(i.selfConfidence.toFixed(6)) })),
    ).toEqual([
      { index: 2, given: 0, suggested: 1, selfConfidence: 0.1 },
      { index: 5, given: 1, suggested: 0, selfConfidence: 0.3 },
    ])
  })

  it('resolves two confident classes by the larger probability, ties to the first class', () => {
    // t0 = (0.55 + 0.35) / 2 = 0.45, t1 = (0.4 + 0.5) / 2 = 0.45. Item 0 clears both (0.45
    // equals t1 up to float32 rounding) and 0.55 wins; item 3 clears both at 0.5 each, and
    // class 0 wins the tie.
    const g = Int32Array.from([0, 0, 1, 1])
    const p = Float32Array.from([0.55, 0.45, 0.35, 0.65, 0.6, 0.4, 0.5, 0.5])
    expect([...confidentJoint(g, p, 2).confidentClass]).toEqual([0, 1, 0, 0])
    // Self-confidences: item 1 0.35, item 2 0.4, item 3 0.5.
    expect(findLabelIssues(g, p, 2).map((i) => [i.index, i.suggested])).toEqual([
      [1, 1],
      [2, 0],
      [3, 0],
    ])
  })

  it('never makes an item confident in a class nobody was given', () => {
    const cj = confidentJoint(Int32Array.from([0, 0]), Float32Array.from([0, 1, 0.5, 0.5]), 2)
    expect(cj.thresholds[1]).toBe(Infinity)
    expect([...cj.confidentClass]).toEqual([-1, 0])
  })

  it.each([
    {
      name: 'proba of the wrong size',
      run: () => findLabelIssues(Int32Array.from([0, 1]), new Float32Array(3), 2),
      message: /proba has 3 values but 2 items x 2 classes need 4/,
    },
    {
      name: 'an unlabelled item',
      run: () => findLabelIssues(Int32Array.from([0, -1]), new Float32Array(4), 2),
      message: /given label -1 at item 1 is outside 0..1/,
    },
  ])('refuses $name', ({ run, message }) => {
    expect(run).toThrow(ConcordError)
    expect(run).toThrow(message)
  })
})

describe('findLabelIssues on synthetic noisy labels', () => {
  it('finds flipped labels among well-separated classes (top-N precision >= 0.8)', () => {
    const rng = mulberry32(2021)
    const perClass = 300
    const k = 3
    const d = 4
    const centres = [
      [0, 0, 0, 0],
      [4, 0, 4, 0],
      [0, 4, 0, 4],
    ]
    const n = perClass * k
    const X = new Float32Array(n * d)
    const truth = new Int32Array(n)
    for (let i = 0; i < n; i++) {
      const c = i % k
      truth[i] = c
      for (let f = 0; f < d; f++) X[i * d + f] = centres[c]![f]! + gaussian(rng)
    }
    const given = Int32Array.from(truth)
    const flipped = new Set<number>()
    while (flipped.size < n / 10) {
      const i = Math.floor(rng() * n)
      if (flipped.has(i)) continue
      flipped.add(i)
      given[i] = (truth[i]! + 1 + Math.floor(rng() * (k - 1))) % k
    }
    const proba = outOfFoldProba(X, n, d, given, k, 5, { seed: 7 })
    const issues = findLabelIssues(given, proba, k)
    // Precision of the top N flagged, N = number flipped (fewer may be flagged: an item is only
    // flagged when the model is confident in another class), and the share of flips found.
    const top = issues.slice(0, flipped.size)
    const hits = top.filter((issue) => flipped.has(issue.index)).length
    expect(top.length).toBeGreaterThan(0)
    expect(hits / top.length).toBeGreaterThanOrEqual(0.8)
    expect(hits / flipped.size).toBeGreaterThanOrEqual(0.7)
    // A flagged item that really was flipped is mostly given back its true class.
    const restored = top.filter((issue) => flipped.has(issue.index))
    expect(restored.filter((issue) => issue.suggested === truth[issue.index]).length).toBe(
      restored.length,
    )
  })
})
