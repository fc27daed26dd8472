import { annotatorsIn, itemCounts } from './item-counts'
import type { MultiLabelTable } from './multi-label-table'
import type { MetricResult } from './result'
import { Reasons, result } from './result'
import type { AnnotationTable, Value } from './table'

export interface LabelAgreement {
  readonly label: Value
  /** Values equal to this label among pairable values. */
  readonly used: number
  /** Nominal alpha of the binary "this label or not" data (one-vs-rest). */
  readonly alpha: MetricResult
  /** Positive specific agreement for this label. */
  readonly positiveAgreement: MetricResult
}

/**
 * Agreement per label, one-vs-rest, for single-label data.
 *
 * `alpha`: Krippendorff's nominal alpha (Krippendorff 2011) after recoding every value to
 * "label" / "not label". With N1 = Σ_u n_u1 and N0 = n − N1 over pairable units,
 *
 *   α = 1 − (n − 1) · Σ_u 2 n_u1 (m_u − n_u1) / (m_u − 1)  /  (2 N1 N0)
 *
 * `positiveAgreement`: positive specific agreement (Fleiss 1975, "Measuring agreement between
 * two judges on the presence or absence of a trait", Biometrics 31, 651-659; Cicchetti &
 * Feinstein 1990), generalised to any number of annotators (Uebersax):
 *
 *   p_s(c) = Σ_u n_uc (n_uc − 1) / Σ_u n_uc (m_u − 1)
 *
 * i.e. of all ordered pairs of values in which the first is c, the share whose second is c
 * too. For two annotators it is 2a / (2a + b + c).
 *
 * Undefined: alpha when the label is used by every or by no pairable value ("expected
 * disagreement is zero"); p_s when no pairable value uses the label.
 *
 * Example (Wikipedia's Cohen example, yes/yes 20, yes/no 5, no/yes 10, no/no 15):
 * p_s(yes) = 40/55 = 0.727, p_s(no) = 30/45 = 0.667.
 */
export function perLabelAgreement(table: AnnotationTable): LabelAgreement[] {
  const ic = itemCounts(table)
  const k = ic.categories
  const { start, category, count, ratings } = ic
  const used = new Float64Array(k)
  const disagree = new Float64Array(k)
  const disagreeComp = new Float64Array(k)
  const agreePairs = new Float64Array(k)
  const allPairs = new Float64Array(k)
  let n = 0
  let units = 0
  for (let i = 0; i < ic.items; i++) {
    const m = ratings[i] as number
    if (m < 2) continue
    units++
    n += m
    for (let p = start[i] as number; p < (start[i + 1] as number); p++) {
      const c = category[p] as number
      const nc = count[p] as number
      used[c] = (used[c] as number) + nc
      agreePairs[c] = (agreePairs[c] as number) + nc * (nc - 1)
      allPairs[c] = (allPairs[c] as number) + nc * (m - 1)
      if (nc < m) addCompensated(disagree, disagreeComp, c, (2 * nc * (m - nc)) / (m - 1))
    }
  }
  const annotators = annotatorsIn(table, 2)
  return table.categories.map((label, c) =>
    labelResult(
      label,
      used[c] as number,
      (disagree[c] as number) + (disagreeComp[c] as number),
      agreePairs[c] as number,
      allPairs[c] as number,
      { items: units, annotators, pairableValues: n, categories: k },
    ),
  )
}

/**
 * Per-label binary alpha and positive specific agreement for multi-label data: for each
 * label, each annotator's set either contains it or not (the formulas of
 * {@link perLabelAgreement} with n_uc = annotators of item u whose set contains the label and
 * m_u = annotators of item u).
 */
export function perLabelAgreementMulti(table: MultiLabelTable): LabelAgreement[] {
  const k = table.labels.length
  const used = new Float64Array(k)
  const disagree = new Float64Array(k)
  const disagreeComp = new Float64Array(k)
  const agreePairs = new Float64Array(k)
  const allPairs = new Float64Array(k)
  const scratch = new Int32Array(k)
  const touched: number[] = []
  const seen = new Uint8Array(table.annotators.length)
  let annotators = 0
  let n = 0
  let units = 0
  for (let i = 0; i < table.items.length; i++) {
    const lo = table.itemStart[i] as number
    const hi = table.itemStart[i + 1] as number
    const m = hi - lo
    if (m < 2) continue
    units++
    n += m
    for (let e = lo; e < hi; e++) {
      const a = table.annotator[e] as number
      if (!seen[a]) {
        seen[a] = 1
        annotators++
      }
      for (let p = table.labelStart[e] as number; p < (table.labelStart[e + 1] as number); p++) {
        const l = table.labelCodes[p] as number
        if (scratch[l] === 0) touched.push(l)
        scratch[l] = (scratch[l] as number) + 1
      }
    }
    for (const l of touched) {
      const nc = scratch[l] as number
      used[l] = (used[l] as number) + nc
      agreePairs[l] = (agreePairs[l] as number) + nc * (nc - 1)
      allPairs[l] = (allPairs[l] as number) + nc * (m - 1)
      if (nc < m) addCompensated(disagree, disagreeComp, l, (2 * nc * (m - nc)) / (m - 1))
      scratch[l] = 0
    }
    touched.length = 0
  }
  return table.labels.map((label, c) =>
    labelResult(
      label,
      used[c] as number,
      (disagree[c] as number) + (disagreeComp[c] as number),
      agreePairs[c] as number,
      allPairs[c] as number,
      { items: units, annotators, pairableValues: n, categories: k },
    ),
  )
}

function labelResult(
  label: Value,
  used: number,
  disagreement: number,
  agreePairs: number,
  allPairs: number,
  counts: { items: number; annotators: number; pairableValues: number; categories: number },
): LabelAgreement {
  const n = counts.pairableValues
  let alpha: MetricResult
  if (counts.items === 0) alpha = result(Number.NaN, counts, Reasons.noPairableUnits, {})
  else {
    const expected = 2 * used * (n - used)
    alpha =
      expected > 0
        ? result(1 - ((n - 1) * disagreement) / expected, counts, undefined, {})
        : result(Number.NaN, counts, Reasons.expectedDisagreementZero, {})
  }
  const positiveAgreement =
    allPairs > 0
      ? result(agreePairs / allPairs, counts, undefined, {})
      : result(
          Number.NaN,
          counts,
          counts.items === 0
            ? Reasons.noPairableUnits
            : 'the label is not used in any pairable unit',
          {},
        )
  return { label, used, alpha, positiveAgreement }
}

function addCompensated(sum: Float64Array, comp: Float64Array, i: number, x: number): void {
  const s = sum[i] as number
  const t = s + x
  const err = Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s
  comp[i] = (comp[i] as number) + err
  sum[i] = t
}
