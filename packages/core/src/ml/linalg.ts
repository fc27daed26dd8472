import { ConcordError } from '../errors'
import { noPace, type Pace } from './pace'

/**
 * Eigen-decomposition of a symmetric n x n matrix (row-major): Householder reduction to
 * tridiagonal form, then the QL algorithm with implicit shifts. This is the EISPACK pair
 * tred2/tql2 (Wilkinson & Reinsch, "Handbook for Automatic Computation" II, 1971) as ported in
 * JAMA's EigenvalueDecomposition (public domain), O(n^3) with a small constant.
 *
 * Returns the eigenvalues in descending order and the eigenvectors as the columns of a
 * row-major n x n matrix, in the same order. `a` is left untouched; only its lower triangle is
 * read. Example: [[2, 1], [1, 2]] has eigenvalues 3 and 1, eigenvectors ±(1, 1)/√2, ±(1, −1)/√2.
 */
export function symmetricEigen(
  a: Float64Array,
  n: number,
): { values: Float64Array; vectors: Float64Array } {
  if (!Number.isInteger(n) || n < 0 || a.length !== n * n) {
    throw new ConcordError('bad_request', `expected a ${n} x ${n} matrix, got ${a.length} values`)
  }
  const V = Float64Array.from(a)
  const d = new Float64Array(n)
  const e = new Float64Array(n)
  if (n > 0) {
    tred2(V, d, e, n)
    tql2(V, d, e, n)
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => d[j]! - d[i]! || i - j)
  const values = new Float64Array(n)
  const vectors = new Float64Array(n * n)
  order.forEach((src, dst) => {
    values[dst] = d[src]!
    for (let k = 0; k < n; k++) vectors[k * n + dst] = V[k * n + src]!
  })
  return { values, vectors }
}

function tred2(V: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) d[j] = V[(n - 1) * n + j]!
  for (let i = n - 1; i > 0; i--) {
    // Scaling avoids underflow and overflow in the Householder vector.
    let scale = 0
    let h = 0
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]!)
    if (scale === 0) {
      e[i] = d[i - 1]!
      for (let j = 0; j < i; j++) {
        d[j] = V[(i - 1) * n + j]!
        V[i * n + j] = 0
        V[j * n + i] = 0
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k]! /= scale
        h += d[k]! * d[k]!
      }
      let f = d[i - 1]!
      let g = Math.sqrt(h)
      if (f > 0) g = -g
      e[i] = scale * g
      h -= f * g
      d[i - 1] = f - g
      for (let j = 0; j < i; j++) e[j] = 0
      for (let j = 0; j < i; j++) {
        f = d[j]!
        V[j * n + i] = f
        g = e[j]! + V[j * n + j]! * f
        for (let k = j + 1; k <= i - 1; k++) {
          g += V[k * n + j]! * d[k]!
          e[k]! += V[k * n + j]! * f
        }
        e[j] = g
      }
      f = 0
      for (let j = 0; j < i; j++) {
        e[j]! /= h
        f += e[j]! * d[j]!
      }
      const hh = f / (h + h)
      for (let j = 0; j < i; j++) e[j]! -= hh * d[j]!
      for (let j = 0; j < i; j++) {
        f = d[j]!
        g = e[j]!
        for (let k = j; k <= i - 1; k++) V[k * n + j]! -= f * e[k]! + g * d[k]!
        d[j] = V[(i - 1) * n + j]!
        V[i * n + j] = 0
      }
    }
    d[i] = h
  }
  // Accumulate the transformations.
  for (let i = 0; i < n - 1; i++) {
    V[(n - 1) * n + i] = V[i * n + i]!
    V[i * n + i] = 1
    const h = d[i + 1]!
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = V[k * n + i + 1]! / h
      for (let j = 0; j <= i; j++) {
        let g = 0
        for (let k = 0; k <= i; k++) g += V[k * n + i + 1]! * V[k * n + j]!
        for (let k = 0; k <= i; k++) V[k * n + j]! -= g * d[k]!
      }
    }
    for (let k = 0; k <= i; k++) V[k * n + i + 1] = 0
  }
  for (let j = 0; j < n; j++) {
    d[j] = V[(n - 1) * n + j]!
    V[(n - 1) * n + j] = 0
  }
  V[(n - 1) * n + n - 1] = 1
  e[0] = 0
}

function tql2(V: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!
  e[n - 1] = 0
  let f = 0
  let tst1 = 0
  const eps = 2 ** -52
  for (let l = 0; l < n; l++) {
    // Find a negligible subdiagonal element.
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!))
    let m = l
    while (m < n && Math.abs(e[m]!) > eps * tst1) m++
    if (m > l) {
      for (let iter = 0; iter < 60; iter++) {
        let g = d[l]!
        let p = (d[l + 1]! - g) / (2 * e[l]!)
        let r = Math.hypot(p, 1)
        if (p < 0) r = -r
        d[l] = e[l]! / (p + r)
        d[l + 1] = e[l]! * (p + r)
        const dl1 = d[l + 1]!
        let h = g - d[l]!
        for (let i = l + 2; i < n; i++) d[i]! -= h
        f += h
        // Implicit QL transformation.
        p = d[m]!
        let c = 1
        let c2 = c
        let c3 = c
        const el1 = e[l + 1]!
        let s = 0
        let s2 = 0
        for (let i = m - 1; i >= l; i--) {
          c3 = c2
          c2 = c
          s2 = s
          g = c * e[i]!
          h = c * p
          r = Math.hypot(p, e[i]!)
          e[i + 1] = s * r
          s = e[i]! / r
          c = p / r
          p = c * d[i]! - s * g
          d[i + 1] = h + s * (c * g + s * d[i]!)
          for (let k = 0; k < n; k++) {
            const row = k * n
            h = V[row + i + 1]!
            V[row + i + 1] = s * V[row + i]! + c * h
            V[row + i] = c * V[row + i]! - s * h
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1
        e[l] = s * p
        d[l] = c * p
        if (!(Math.abs(e[l]!) > eps * tst1)) break
      }
    }
    d[l] = d[l]! + f
    e[l] = 0
  }
}

/**
 * Orthonormalises the columns of a column-major m x l matrix in place by classical
 * Gram-Schmidt run twice ("twice is enough": Giraud, Langou, Rozložník & van den Eshof 2005),
 * which keeps the result orthogonal to working precision. A column that is (numerically) a
 * combination of the earlier ones is dropped. Returns how many columns were kept; they are
 * packed at the front. `pace` is called before each column.
 */
export function orthonormalizeColumns(
  Y: Float64Array,
  m: number,
  l: number,
  pace: Pace = noPace,
): number {
  let kept = 0
  const minusR = new Float64Array(l)
  const columns = new Int32Array(l)
  for (let q = 0; q < l; q++) columns[q] = q
  for (let j = 0; j < l; j++) {
    pace()
    const src = j * m
    const original = Math.sqrt(dot(Y, src, Y, src, m))
    for (let pass = 0; pass < 2; pass++) {
      for (let q = 0; q < kept; q++) minusR[q] = -dot(Y, q * m, Y, src, m)
      // The kept columns sit before column j, so source and target never overlap.
      addRows(Y, src, m, Y, m, columns, minusR, 0, kept)
    }
    const norm = Math.sqrt(dot(Y, src, Y, src, m))
    if (!(norm > 1e-10 * original)) continue
    const dst = kept * m
    const inv = 1 / norm
    for (let i = 0; i < m; i++) Y[dst + i] = Y[src + i]! * inv
    kept++
  }
  return kept
}

/** Σ a[ao + i] b[bo + i] over i < len, with four partial sums to hide the add latency. */
export function dot(a: Float64Array, ao: number, b: Float64Array, bo: number, len: number): number {
  let s0 = 0
  let s1 = 0
  let s2 = 0
  let s3 = 0
  let i = 0
  for (; i + 3 < len; i += 4) {
    s0 += a[ao + i]! * b[bo + i]!
    s1 += a[ao + i + 1]! * b[bo + i + 1]!
    s2 += a[ao + i + 2]! * b[bo + i + 2]!
    s3 += a[ao + i + 3]! * b[bo + i + 3]!
  }
  for (; i < len; i++) s0 += a[ao + i]! * b[bo + i]!
  return s0 + s1 + s2 + s3
}

/**
 * out[outOff + j] += Σ_p w[p] · M[idx[p] · stride + j] for j < len and p in [from, to): a sum of
 * scaled rows of M. Rows are taken four at a time so that each entry of `out` is read and
 * written once per four rows, which is what limits this loop's speed in JavaScript.
 */
export function addRows(
  out: Float64Array,
  outOff: number,
  len: number,
  M: Float64Array,
  stride: number,
  idx: Int32Array,
  w: Float64Array,
  from: number,
  to: number,
): void {
  let p = from
  for (; p + 3 < to; p += 4) {
    const a = idx[p]! * stride
    const b = idx[p + 1]! * stride
    const c = idx[p + 2]! * stride
    const d = idx[p + 3]! * stride
    const wa = w[p]!
    const wb = w[p + 1]!
    const wc = w[p + 2]!
    const wd = w[p + 3]!
    for (let j = 0; j < len; j++) {
      out[outOff + j]! += wa * M[a + j]! + wb * M[b + j]! + wc * M[c + j]! + wd * M[d + j]!
    }
  }
  for (; p < to; p++) {
    const a = idx[p]! * stride
    const wa = w[p]!
    for (let j = 0; j < len; j++) out[outOff + j]! += wa * M[a + j]!
  }
}

/** {@link addRows} for a float32 M (half the memory traffic when M is large). */
export function addRowsF32(
  out: Float64Array,
  outOff: number,
  len: number,
  M: Float32Array,
  stride: number,
  idx: Int32Array,
  w: Float64Array,
  from: number,
  to: number,
): void {
  let p = from
  for (; p + 3 < to; p += 4) {
    const a = idx[p]! * stride
    const b = idx[p + 1]! * stride
    const c = idx[p + 2]! * stride
    const d = idx[p + 3]! * stride
    const wa = w[p]!
    const wb = w[p + 1]!
    const wc = w[p + 2]!
    const wd = w[p + 3]!
    for (let j = 0; j < len; j++) {
      out[outOff + j]! += wa * M[a + j]! + wb * M[b + j]! + wc * M[c + j]! + wd * M[d + j]!
    }
  }
  for (; p < to; p++) {
    const a = idx[p]! * stride
    const wa = w[p]!
    for (let j = 0; j < len; j++) out[outOff + j]! += wa * M[a + j]!
  }
}

/**
 * G += Σ_r B[r]^T B[r] over the rows of B (rows x cols, row-major), upper triangle only: the
 * Gram matrix B^T B. Four rows of B and two rows of G at a time, for the same reason as
 * {@link addRows}: each entry of G is read and written once per four rows, and each loaded
 * entry of B serves two products.
 */
export function addGramUpper(G: Float64Array, B: Float64Array, rows: number, cols: number): void {
  let r = 0
  for (; r + 3 < rows; r += 4) {
    const a = r * cols
    const b = a + cols
    const c = b + cols
    const d = c + cols
    let i = 0
    for (; i + 1 < cols; i += 2) {
      const ai = B[a + i]!
      const bi = B[b + i]!
      const ci = B[c + i]!
      const di = B[d + i]!
      const ai1 = B[a + i + 1]!
      const bi1 = B[b + i + 1]!
      const ci1 = B[c + i + 1]!
      const di1 = B[d + i + 1]!
      const g = i * cols
      const g1 = g + cols
      G[g + i]! += ai * ai + bi * bi + ci * ci + di * di
      for (let j = i + 1; j < cols; j++) {
        const x = B[a + j]!
        const y = B[b + j]!
        const z = B[c + j]!
        const w = B[d + j]!
        G[g + j]! += ai * x + bi * y + ci * z + di * w
        G[g1 + j]! += ai1 * x + bi1 * y + ci1 * z + di1 * w
      }
    }
    if (i < cols) {
      const g = i * cols + i
      G[g]! += B[a + i]! ** 2 + B[b + i]! ** 2 + B[c + i]! ** 2 + B[d + i]! ** 2
    }
  }
  for (; r < rows; r++) {
    const a = r * cols
    for (let i = 0; i < cols; i++) {
      const ai = B[a + i]!
      const g = i * cols
      for (let j = i; j < cols; j++) G[g + j]! += ai * B[a + j]!
    }
  }
}
