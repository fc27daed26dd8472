import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { addGramUpper, addRows, orthonormalizeColumns, symmetricEigen } from './linalg'
import { gaussian, mulberry32 } from './random'

function randomSymmetric(n: number, seed: number): Float64Array {
  const rng = mulberry32(seed)
  const a = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const v = gaussian(rng)
      a[i * n + j] = v
      a[j * n + i] = v
    }
  }
  return a
}

describe('symmetricEigen', () => {
  const cases: { name: string; a: number[]; values: number[] }[] = [
    { name: '[[2, 1], [1, 2]]', a: [2, 1, 1, 2], values: [3, 1] },
    { name: 'diagonal, unsorted', a: [1, 0, 0, 0, 5, 0, 0, 0, 3], values: [5, 3, 1] },
    // Characteristic polynomial of [[4, 1, 0], [1, 3, 1], [0, 1, 2]] is (3 − λ)(λ² − 6λ + 6).
    {
      name: 'tridiagonal 3x3',
      a: [4, 1, 0, 1, 3, 1, 0, 1, 2],
      values: [3 + Math.sqrt(3), 3, 3 - Math.sqrt(3)],
    },
    { name: 'zero matrix', a: [0, 0, 0, 0], values: [0, 0] },
    { name: '1x1', a: [-2], values: [-2] },
  ]
  it.each(cases)('eigenvalues of $name', ({ a, values }) => {
    const n = values.length
    const result = symmetricEigen(Float64Array.from(a), n)
    values.forEach((v, i) => expect(result.values[i]).toBeCloseTo(v, 12))
  })

  it('gives orthonormal eigenvectors with A v = λ v', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.integer(), (n, seed) => {
        const a = randomSymmetric(n, seed)
        const { values, vectors } = symmetricEigen(a, n)
        for (let e = 0; e < n; e++) {
          for (let i = 0; i < n; i++) {
            let av = 0
            for (let j = 0; j < n; j++) av += a[i * n + j]! * vectors[j * n + e]!
            expect(av).toBeCloseTo(values[e]! * vectors[i * n + e]!, 9)
          }
          for (let f = 0; f < n; f++) {
            let dot = 0
            for (let i = 0; i < n; i++) dot += vectors[i * n + e]! * vectors[i * n + f]!
            expect(dot).toBeCloseTo(e === f ? 1 : 0, 9)
          }
          if (e > 0) expect(values[e]!).toBeLessThanOrEqual(values[e - 1]!)
        }
      }),
      { numRuns: 30 },
    )
  })

  it('rejects a matrix of the wrong size', () => {
    expect(() => symmetricEigen(new Float64Array(3), 2)).toThrow(/2 x 2 matrix, got 3 values/)
  })
})

describe('orthonormalizeColumns', () => {
  it('orthonormalises and drops a column that depends on earlier ones', () => {
    // Column-major 3 x 3: c0 = (1, 0, 0), c1 = (1, 1, 0), c2 = 2 c0 + c1 (dependent).
    const Y = Float64Array.from([1, 0, 0, 1, 1, 0, 3, 1, 0])
    const kept = orthonormalizeColumns(Y, 3, 3)
    expect(kept).toBe(2)
    expect([...Y.subarray(0, 6)].map((v) => Math.round(v * 1e12) / 1e12)).toEqual([
      1, 0, 0, 0, 1, 0,
    ])
  })

  it('keeps random columns orthonormal to working precision', () => {
    const rng = mulberry32(2)
    const m = 200
    const l = 40
    const Y = new Float64Array(m * l).map(() => gaussian(rng))
    expect(orthonormalizeColumns(Y, m, l)).toBe(l)
    for (let a = 0; a < l; a++) {
      for (let b = 0; b < l; b++) {
        let dot = 0
        for (let i = 0; i < m; i++) dot += Y[a * m + i]! * Y[b * m + i]!
        expect(Math.abs(dot - (a === b ? 1 : 0))).toBeLessThan(1e-12)
      }
    }
  })
})

describe('addRows and addGramUpper', () => {
  it('addRows equals the plain sum of scaled rows, for any number of rows', () => {
    for (let count = 0; count <= 9; count++) {
      const rng = mulberry32(count)
      const M = new Float64Array(12 * 5).map(() => gaussian(rng))
      const idx = Int32Array.from({ length: count }, (_, i) => (i * 7) % 12)
      const w = Float64Array.from({ length: count }, () => gaussian(rng))
      const out = new Float64Array(8).fill(1)
      addRows(out, 2, 5, M, 5, idx, w, 0, count)
      const expected = new Float64Array(8).fill(1)
      for (let p = 0; p < count; p++) {
        for (let j = 0; j < 5; j++) expected[2 + j]! += w[p]! * M[idx[p]! * 5 + j]!
      }
      for (let j = 0; j < 8; j++) expect(out[j]).toBeCloseTo(expected[j]!, 12)
    }
  })

  it('addGramUpper equals B^T B on the upper triangle, for odd and even sizes', () => {
    for (const [rows, cols] of [
      [7, 5],
      [8, 4],
      [1, 1],
      [5, 6],
    ] as const) {
      const rng = mulberry32(rows * 10 + cols)
      const B = new Float64Array(rows * cols).map(() => gaussian(rng))
      const G = new Float64Array(cols * cols)
      addGramUpper(G, B, rows, cols)
      for (let i = 0; i < cols; i++) {
        for (let j = i; j < cols; j++) {
          let s = 0
          for (let r = 0; r < rows; r++) s += B[r * cols + i]! * B[r * cols + j]!
          expect(G[i * cols + j]).toBeCloseTo(s, 12)
        }
      }
    }
  })
})
