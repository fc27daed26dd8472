import { describe, expect, it } from 'vitest'
import { randomMatrix, seededRandom } from '../onnx/test-models'
import { clusterEmbeddings, nearestCentroids } from './kmeans'

/** n points around each of `centres` (row-major), with uniform noise of +-spread. */
function blobs(centres: number[][], perBlob: number, spread: number, seed: number) {
  const rng = seededRandom(seed)
  const d = centres[0]!.length
  const n = centres.length * perBlob
  const X = new Float32Array(n * d)
  const truth = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    // Interleaved, so that any row order bias in the sampler would show.
    const c = i % centres.length
    truth[i] = c
    for (let j = 0; j < d; j++) X[i * d + j] = centres[c]![j]! + (rng() * 2 - 1) * spread
  }
  return { X, n, d, truth }
}

/** True when the clustering equals the truth up to renaming the clusters. */
function samePartition(a: Int32Array, b: Int32Array): boolean {
  const map = new Map<number, number>()
  const used = new Set<number>()
  for (let i = 0; i < a.length; i++) {
    const seen = map.get(a[i]!)
    if (seen === undefined) {
      if (used.has(b[i]!)) return false
      map.set(a[i]!, b[i]!)
      used.add(b[i]!)
    } else if (seen !== b[i]) return false
  }
  return true
}

const THREE = [
  [0, 0, 0, 0],
  [10, 10, 0, 0],
  [0, 10, 10, -10],
]

describe('clusterEmbeddings', () => {
  it('recovers three well-separated blobs', () => {
    const { X, n, d, truth } = blobs(THREE, 200, 1, 1)
    const result = clusterEmbeddings(X, n, d, 3, 42)
    expect(samePartition(result.assignments, truth)).toBe(true)
    expect(result.fittedOn).toBe(n)
    // Each centroid sits at one of the true centres.
    for (let c = 0; c < 3; c++) {
      const centroid = [...result.centroids.subarray(c * d, (c + 1) * d)]
      const distances = THREE.map((t) => Math.hypot(...t.map((v, j) => v - centroid[j]!)))
      expect(Math.min(...distances)).toBeLessThan(0.3)
    }
  })

  it('recovers them from a sample and assigns every row', () => {
    const { X, n, d, truth } = blobs(THREE, 3000, 1, 2)
    const result = clusterEmbeddings(X, n, d, 3, 7, { sampleSize: 500 })
    expect(result.fittedOn).toBe(500)
    expect(result.assignments.length).toBe(n)
    expect(samePartition(result.assignments, truth)).toBe(true)
  })

  it('gives the same clusters for the same seed', () => {
    const { X, n, d } = blobs(
      Array.from({ length: 8 }, (_, c) => [c, (c * 7) % 5, (c * 3) % 4]),
      50,
      2,
      3,
    )
    const a = clusterEmbeddings(X, n, d, 6, 9)
    const b = clusterEmbeddings(X, n, d, 6, 9)
    expect([...a.assignments]).toEqual([...b.assignments])
    expect([...a.centroids]).toEqual([...b.centroids])
  })

  it('handles k = n and identical rows', () => {
    const X = new Float32Array([1, 1, 1, 1, 1, 1])
    const result = clusterEmbeddings(X, 3, 2, 3, 1)
    expect(result.assignments.length).toBe(3)
    const two = clusterEmbeddings(new Float32Array([0, 0, 5, 5]), 2, 2, 2, 1)
    expect(new Set(two.assignments).size).toBe(2)
  })

  it.each([
    ['k above n', new Float32Array(4), 2, 2, 3, /k must be between 1 and the 2 rows/],
    ['k of 0', new Float32Array(4), 2, 2, 0, /k must be between/],
    ['a short matrix', new Float32Array(3), 2, 2, 1, /3 values but 2 rows x 2 dimensions/],
    [
      'a NaN',
      new Float32Array([0, 0, NaN, 1]),
      2,
      2,
      1,
      /row 1 has a non-finite value at dimension 0/,
    ],
  ])('refuses %s', (_name, X, n, d, k, message) => {
    expect(() => clusterEmbeddings(X, n, d, k, 1)).toThrow(message)
  })
})

describe('nearestCentroids', () => {
  it.each([
    // Odd and even k, to cover the paired loop and its tail.
    ['k = 3', [0, 0, 10, 0, 0, 10], 3],
    ['k = 2', [0, 0, 10, 0], 2],
  ])('assigns each row to the closest centroid (%s)', (_name, centroids, k) => {
    // Five rows: the pairs of rows and the odd last one.
    const X = new Float32Array([0.1, 0.2, 9, 1, 1, 8, 6, 0, 0.2, 7])
    const got = nearestCentroids(X, 5, 2, new Float32Array(centroids), k)
    const brute = [0, 1, 2, 3, 4].map((i) => {
      let best = 0
      let bestD = Infinity
      for (let c = 0; c < k; c++) {
        const dist =
          (X[i * 2]! - centroids[c * 2]!) ** 2 + (X[i * 2 + 1]! - centroids[c * 2 + 1]!) ** 2
        if (dist < bestD) {
          bestD = dist
          best = c
        }
      }
      return best
    })
    expect([...got]).toEqual(brute)
  })
})

describe('pace', () => {
  it('is called through seeding, iterations and assignment, and changes no result', () => {
    const n = 600
    const d = 8
    const X = randomMatrix(n, d, 11)
    let calls = 0
    const paced = clusterEmbeddings(X, n, d, 5, 3, { sampleSize: 300, pace: () => calls++ })
    const plain = clusterEmbeddings(X, n, d, 5, 3, { sampleSize: 300 })
    expect([...paced.assignments]).toEqual([...plain.assignments])
    expect([...paced.centroids]).toEqual([...plain.centroids])
    // (k - 1) x (2 + ln k) seeding trials, one per iteration, one per 64 rows assigned.
    expect(calls).toBeGreaterThanOrEqual(4 * 3 + paced.iterations + Math.ceil(n / 64))
  })
})
