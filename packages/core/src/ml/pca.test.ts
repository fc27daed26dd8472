import { describe, expect, it } from 'vitest'
import { pca2d, principalComponents } from './pca'
import { gaussian, mulberry32 } from './random'

function stretched(n: number, d: number, u: number[], v: number[], seed: number) {
  // x = 10 a u + 3 b v + noise: the first component is u, the second v.
  const rng = mulberry32(seed)
  const X = new Float32Array(n * d)
  for (let i = 0; i < n; i++) {
    const a = gaussian(rng)
    const b = gaussian(rng)
    for (let f = 0; f < d; f++)
      X[i * d + f] = 5 + 10 * a * u[f]! + 3 * b * v[f]! + 0.3 * gaussian(rng)
  }
  return X
}

function unit(v: number[]): number[] {
  const norm = Math.hypot(...v)
  return v.map((x) => x / norm)
}

describe('pca2d', () => {
  const d = 10
  const u = unit([1, 2, -1, 0, 0, 3, 0, 0, 1, -2])
  // Orthogonal to u: u · v = 1·2 + 2·(-1) + 0 ... = 0.
  const v = unit([2, -1, 0, 0, 1, 0, 0, 0, 0, 0])
  const n = 2000
  const X = stretched(n, d, u, v, 1)

  it('finds the direction of largest spread, then the next', () => {
    const [first, second] = principalComponents(X, n, d, 2)
    const cos = (a: Float64Array, b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0)
    expect(Math.abs(cos(first!, u))).toBeGreaterThan(0.99)
    expect(Math.abs(cos(second!, v))).toBeGreaterThan(0.99)
  })

  it('fixes signs: each component has its largest entry positive', () => {
    for (const c of principalComponents(X, n, d, 2)) {
      const largest = [...c].reduce((best, x) => (Math.abs(x) > Math.abs(best) ? x : best), 0)
      expect(largest).toBeGreaterThan(0)
    }
    // u's largest entry is +3/√20, so the first coordinate follows a (the u coefficient).
    const flipped = Float32Array.from(X, (x) => 10 - x)
    const a = pca2d(X, n, d)
    const b = pca2d(flipped, n, d)
    for (let i = 0; i < 20; i++) expect(b[i]).toBeCloseTo(-a[i]!, 3)
  })

  it('gives centred coordinates whose variances are the top eigenvalues', () => {
    const Y = pca2d(X, n, d)
    let m0 = 0
    let v0 = 0
    let v1 = 0
    for (let i = 0; i < n; i++) m0 += Y[i * 2]!
    for (let i = 0; i < n; i++) {
      v0 += Y[i * 2]! ** 2
      v1 += Y[i * 2 + 1]! ** 2
    }
    expect(Math.abs(m0 / n)).toBeLessThan(1e-3)
    // 100 + 0.09 and 9 + 0.09, up to sampling error.
    expect(v0 / (n - 1)).toBeGreaterThan(90)
    expect(v0 / (n - 1)).toBeLessThan(110)
    expect(v1 / (n - 1)).toBeGreaterThan(8)
    expect(v1 / (n - 1)).toBeLessThan(10)
  })

  it('is deterministic', () => {
    expect(pca2d(X, n, d)).toEqual(pca2d(X, n, d))
  })

  it('handles a hand-checkable case: points on the line y = x', () => {
    // (0,0), (1,1), (2,2): mean (1,1), first component (1,1)/√2, coordinates −√2, 0, √2.
    const Y = pca2d(Float32Array.from([0, 0, 1, 1, 2, 2]), 3, 2)
    const expected = [-Math.SQRT2, 0, 0, 0, Math.SQRT2, 0]
    expected.forEach((e, i) => expect(Y[i]).toBeCloseTo(e, 5))
  })

  it.each([
    { name: 'no rows', X: new Float32Array(0), n: 0, d: 3, out: [] },
    { name: 'one row', X: Float32Array.from([1, 2, 3]), n: 1, d: 3, out: [0, 0] },
    { name: 'one dimension', X: Float32Array.from([1, 3]), n: 2, d: 1, out: [-1, 0, 1, 0] },
  ])('degenerates gracefully: $name', ({ X: data, n: rows, d: dims, out }) => {
    expect([...pca2d(data, rows, dims)]).toEqual(out)
  })

  it('refuses X of the wrong size', () => {
    expect(() => pca2d(new Float32Array(5), 2, 3)).toThrow(/X has 5 values but n x d = 2 x 3/)
  })
})
