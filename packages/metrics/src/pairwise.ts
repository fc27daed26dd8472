import { kappaFromContingency } from './cohen-kappa'
import type { Level } from './distance'
import { assertLevel } from './distance'
import type { AlphaResult } from './krippendorff-alpha'
import { alphaFromCoincidences, metricFor } from './krippendorff-alpha'
import type { MetricResult } from './result'
import { result } from './result'
import type { AnnotationTable } from './table'
import type { WeightScheme } from './weights'
import { agreementWeights } from './weights'

export interface PairwiseOptions {
  /** Level of measurement for the pairwise alphas; default 'nominal'. */
  readonly level?: Level
  /** Weights for the pairwise kappas; default 'none' (Cohen's kappa). */
  readonly weights?: WeightScheme
}

export interface PairAgreement {
  readonly a: string
  readonly b: string
  /** Items both annotators rated. */
  readonly shared: number
  readonly kappa: MetricResult
  readonly alpha: AlphaResult
}

export interface PairwiseResult {
  readonly annotators: readonly string[]
  /**
   * A x A matrices, row-major: `kappa[a * A + b]`, `alpha[...]` (NaN on the diagonal and for
   * pairs without a shared item), `shared[...]` (the diagonal holds each annotator's items).
   */
  readonly kappa: Float64Array
  readonly alpha: Float64Array
  readonly shared: Int32Array
  /** Every unordered pair a < b with its results and reasons. */
  readonly pairs: readonly PairAgreement[]
}

/**
 * The pairwise breakdown: Cohen's kappa (Cohen 1960; weighted, Cohen 1968) and Krippendorff's
 * alpha (Krippendorff 2011) for every pair of annotators over the items the pair shares, with
 * the number of shared items.
 *
 * All A(A − 1)/2 contingency tables are built in one pass over the table (per item, every
 * pair of its entries increments its pair's table), then each pair's kappa and alpha are
 * read off its K x K table: for the pair, the coincidences are o_ck = t_ck + t_kc (two values
 * per shared item, m_u = 2). Cost O(Σ_u m_u² + A² K²).
 *
 * Pairs without a shared item get `NaN` with the reason "no items rated by both annotators".
 */
export function pairwiseAgreement(
  table: AnnotationTable,
  options: PairwiseOptions = {},
): PairwiseResult {
  const level = options.level ?? 'nominal'
  assertLevel(level)
  const weights = options.weights ?? 'none'
  const k = table.categories.length
  const w = agreementWeights(weights, k)
  const metric = metricFor(level, k, table.categories)
  const nA = table.annotators.length
  const kk = k * k
  const pairIndex = new Int32Array(nA * nA)
  let nPairs = 0
  for (let a = 0; a < nA; a++) {
    for (let b = a + 1; b < nA; b++) pairIndex[a * nA + b] = nPairs++
  }
  const counts = buildPairTables(table, pairIndex, nPairs, kk, k)
  const shared = new Int32Array(nA * nA)
  const kappa = new Float64Array(nA * nA).fill(Number.NaN)
  const alpha = new Float64Array(nA * nA).fill(Number.NaN)
  const { annotator } = table
  for (let e = 0; e < annotator.length; e++) {
    const diagonal = (annotator[e] as number) * (nA + 1)
    shared[diagonal] = (shared[diagonal] as number) + 1
  }
  const pairs: PairAgreement[] = []
  const o = new Float64Array(kk)
  const empty = new Float64Array(kk)
  for (let a = 0; a < nA; a++) {
    for (let b = a + 1; b < nA; b++) {
      const p = pairIndex[a * nA + b] as number
      const t = counts(p) ?? empty
      let n = 0
      for (let c = 0; c < kk; c++) n += t[c] as number
      shared[a * nA + b] = n
      shared[b * nA + a] = n
      const base = {
        items: n,
        annotators: n > 0 ? 2 : 0,
        pairableValues: 2 * n,
        categories: k,
      }
      const kr = kappaFromContingency(t, k, n, w)
      const kappaResult = result(kr.value, base, kr.reason, {})
      for (let c = 0; c < k; c++) {
        for (let j = 0; j < k; j++)
          o[c * k + j] = (t[c * k + j] as number) + (t[j * k + c] as number)
      }
      const alphaResult = alphaFromCoincidences(o, k, metric, base, level)
      kappa[a * nA + b] = kappa[b * nA + a] = kappaResult.value
      alpha[a * nA + b] = alpha[b * nA + a] = alphaResult.value
      pairs.push({
        a: table.annotators[a] as string,
        b: table.annotators[b] as string,
        shared: n,
        kappa: kappaResult,
        alpha: alphaResult,
      })
    }
  }
  return { annotators: table.annotators, kappa, alpha, shared, pairs }
}

/** Every pair's K x K table in one pass: a flat array when small, one array per pair if not. */
function buildPairTables(
  table: AnnotationTable,
  pairIndex: Int32Array,
  nPairs: number,
  kk: number,
  k: number,
): (p: number) => Float64Array | undefined {
  const { itemStart, annotator, value } = table
  const nA = table.annotators.length
  const nItems = table.items.length
  if (nPairs * kk <= 1 << 24) {
    const flat = new Int32Array(nPairs * kk)
    for (let i = 0; i < nItems; i++) {
      const lo = itemStart[i] as number
      const hi = itemStart[i + 1] as number
      for (let e = lo; e < hi - 1; e++) {
        const row = (annotator[e] as number) * nA
        const v = (value[e] as number) * k
        for (let f = e + 1; f < hi; f++) {
          const cell =
            (pairIndex[row + (annotator[f] as number)] as number) * kk + v + (value[f] as number)
          flat[cell] = (flat[cell] as number) + 1
        }
      }
    }
    return (p) => Float64Array.from(flat.subarray(p * kk, (p + 1) * kk))
  }
  const tables: (Int32Array | undefined)[] = new Array<Int32Array | undefined>(nPairs)
  for (let i = 0; i < nItems; i++) {
    const lo = itemStart[i] as number
    const hi = itemStart[i + 1] as number
    for (let e = lo; e < hi - 1; e++) {
      const row = (annotator[e] as number) * nA
      const v = (value[e] as number) * k
      for (let f = e + 1; f < hi; f++) {
        const p = pairIndex[row + (annotator[f] as number)] as number
        const t = (tables[p] ??= new Int32Array(kk))
        const cell = v + (value[f] as number)
        t[cell] = (t[cell] as number) + 1
      }
    }
  }
  return (p) => {
    const t = tables[p]
    return t ? Float64Array.from(t) : undefined
  }
}

/** A row-major A x A matrix as nested arrays (e.g. for JSON). */
export function toRows(matrix: ArrayLike<number>, size: number): number[][] {
  const rows: number[][] = []
  for (let a = 0; a < size; a++) {
    const row: number[] = []
    for (let b = 0; b < size; b++) row.push(matrix[a * size + b] as number)
    rows.push(row)
  }
  return rows
}
