import { ConcordError } from '../errors'
import { addGramUpper } from './linalg'
import { gaussian, mulberry32 } from './random'

/** Rows centred and accumulated into the covariance per block (bounded scratch memory). */
const BLOCK_ROWS = 256
const MAX_DIMS = 1024
const MAX_POWER_ITERATIONS = 2000

/**
 * The first two principal components of the rows of X (n x d, row-major) and the rows'
 * coordinates on them: an n x 2 row-major matrix, for the data map when UMAP is not used.
 *
 * The d x d covariance is formed once (n d² / 2 products); each component is found by power
 * iteration on it, the second after deflating the first (C − λ1 v1 v1^T). Signs are fixed so
 * that each component's entry of largest magnitude is positive, so the picture does not flip
 * between runs. A component with zero variance (d = 1, or identical rows) gives zeros.
 */
export function pca2d(X: Float32Array, n: number, d: number): Float32Array {
  return pcaProject(X, n, d, principalComponents(X, n, d, 2))
}

/** The top `count` principal directions, each of length d (unit norm, or zero). */
export function principalComponents(
  X: Float32Array,
  n: number,
  d: number,
  count: number,
): Float64Array[] {
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(d) || d < 1 || d > MAX_DIMS) {
    throw new ConcordError('bad_request', `pca needs n >= 0 rows and 1..${MAX_DIMS} dimensions`)
  }
  if (X.length !== n * d) {
    throw new ConcordError('bad_request', `X has ${X.length} values but n x d = ${n} x ${d}`)
  }
  const mean = columnMeans(X, n, d)
  const C = new Float64Array(d * d)
  const block = new Float64Array(BLOCK_ROWS * d)
  for (let start = 0; start < n; start += BLOCK_ROWS) {
    const rows = Math.min(BLOCK_ROWS, n - start)
    for (let r = 0; r < rows; r++) {
      const off = (start + r) * d
      for (let f = 0; f < d; f++) block[r * d + f] = X[off + f]! - mean[f]!
    }
    addGramUpper(C, block, rows, d)
  }
  const scale = n > 1 ? 1 / (n - 1) : 1
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      const v = C[i * d + j]! * scale
      C[i * d + j] = v
      C[j * d + i] = v
    }
  }
  const components: Float64Array[] = []
  const rng = mulberry32(0x9e3779b9)
  for (let c = 0; c < count; c++) {
    const { vector, value } = topEigenvector(C, d, rng)
    components.push(vector)
    // Deflate: the next power iteration then converges to the next component.
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) C[i * d + j]! -= value * vector[i]! * vector[j]!
    }
  }
  return components
}

/** Coordinates of the centred rows on the given directions: n x directions.length. */
export function pcaProject(
  X: Float32Array,
  n: number,
  d: number,
  directions: readonly Float64Array[],
): Float32Array {
  const mean = columnMeans(X, n, d)
  const m = directions.length
  const out = new Float32Array(n * m)
  for (let i = 0; i < n; i++) {
    const off = i * d
    for (let c = 0; c < m; c++) {
      const v = directions[c]!
      let s = 0
      for (let f = 0; f < d; f++) s += (X[off + f]! - mean[f]!) * v[f]!
      out[i * m + c] = s
    }
  }
  return out
}

function columnMeans(X: Float32Array, n: number, d: number): Float64Array {
  const mean = new Float64Array(d)
  for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) mean[f]! += X[i * d + f]!
  if (n > 0) for (let f = 0; f < d; f++) mean[f]! /= n
  return mean
}

/**
 * Power iteration on a symmetric positive semi-definite matrix: v <- C v / |C v| until v stops
 * moving. Returns a zero vector when C is (numerically) zero.
 */
function topEigenvector(
  C: Float64Array,
  d: number,
  rng: () => number,
): { vector: Float64Array; value: number } {
  let trace = 0
  for (let i = 0; i < d; i++) trace += Math.max(0, C[i * d + i]!)
  let v = new Float64Array(d)
  let w = new Float64Array(d)
  for (let i = 0; i < d; i++) v[i] = gaussian(rng)
  normalise(v)
  let value = 0
  for (let iter = 0; iter < MAX_POWER_ITERATIONS; iter++) {
    for (let i = 0; i < d; i++) {
      let s = 0
      const row = i * d
      for (let j = 0; j < d; j++) s += C[row + j]! * v[j]!
      w[i] = s
    }
    value = normalise(w)
    if (!(value > 1e-12 * trace)) return { vector: new Float64Array(d), value: 0 }
    let change = 0
    for (let i = 0; i < d; i++) change += (w[i]! - v[i]!) ** 2
    const tmp = v
    v = w
    w = tmp
    if (change < 1e-20) break
  }
  let best = 0
  for (let i = 0; i < d; i++) if (Math.abs(v[i]!) > Math.abs(best)) best = v[i]!
  if (best < 0) for (let i = 0; i < d; i++) v[i] = -v[i]!
  return { vector: v, value }
}

/** Scales v to unit length in place and returns its former length. */
function normalise(v: Float64Array): number {
  let s = 0
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!
  const norm = Math.sqrt(s)
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i]! /= norm
  return norm
}
