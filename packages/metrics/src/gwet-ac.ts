import { annotatorsIn, itemCounts } from './item-counts'
import { categoryShares, observedAgreement } from './rater-agreement'
import type { MetricResult } from './result'
import { Reasons, result } from './result'
import type { AnnotationTable } from './table'
import type { WeightScheme } from './weights'
import { agreementWeights } from './weights'

export interface GwetOptions {
  /** 'none' (default) gives AC1; 'linear' or 'quadratic' give AC2 with those weights. */
  readonly weights?: WeightScheme
}

export interface GwetResult extends MetricResult {
  readonly weights: WeightScheme
  /** p_a, the (weighted) observed agreement. */
  readonly observedAgreement: number
  /** p_e, Gwet's chance agreement. */
  readonly expectedAgreement: number
}

/**
 * Gwet's AC1 (nominal) and AC2 (weighted) for any number of annotators, missing ratings
 * allowed.
 *
 * Gwet, K. L. (2008). "Computing inter-rater reliability and its variance in the presence of
 * high agreement." British Journal of Mathematical and Statistical Psychology 61(1), 29-48;
 * Gwet, K. L. (2014). Handbook of Inter-Rater Reliability, 4th ed., chapter 4.
 *
 * With r_ik raters putting item i in category k, r_i = Σ_k r_ik, q categories, agreement
 * weights w (identity for AC1) and r*_ik = Σ_l w_kl r_il:
 *
 *   p_a = (1/n') Σ_{i: r_i >= 2} Σ_k r_ik (r*_ik − 1) / (r_i (r_i − 1))
 *   π_k = (1/n) Σ_{i: r_i >= 1} r_ik / r_i
 *   p_e = T_w / (q (q − 1)) · Σ_k π_k (1 − π_k),   T_w = Σ_kl w_kl
 *   AC = (p_a − p_e) / (1 − p_e)
 *
 * q counts every category of the table (declared but unused ones included).
 *
 * Undefined: no item with two ratings, fewer than two categories, or p_e = 1.
 *
 * Example (Krippendorff 2011 data = irrCAC `cac.raw4raters`): AC1 = 0.77544 (p_a 0.8181818,
 * p_e 0.1903212); quadratic AC2 = 0.91400.
 */
export function gwetAC(table: AnnotationTable, options: GwetOptions = {}): GwetResult {
  const weights = options.weights ?? 'none'
  const q = table.categories.length
  const w = agreementWeights(weights, q)
  const ic = itemCounts(table)
  const { pa, units, pairableValues } = observedAgreement(ic, weights === 'none' ? undefined : w)
  const { shares, items } = categoryShares(ic)
  const counts = { items, annotators: annotatorsIn(table, 1), pairableValues, categories: q }
  if (units === 0) {
    return result(Number.NaN, counts, Reasons.noPairableUnits, {
      weights,
      observedAgreement: pa,
      expectedAgreement: Number.NaN,
    })
  }
  if (q < 2) {
    return result(Number.NaN, counts, Reasons.fewerThanTwoCategories, {
      weights,
      observedAgreement: pa,
      expectedAgreement: Number.NaN,
    })
  }
  let tw = 0
  for (let i = 0; i < w.length; i++) tw += w[i] as number
  let s = 0
  for (let c = 0; c < q; c++) s += (shares[c] as number) * (1 - (shares[c] as number))
  const pe = (tw * s) / (q * (q - 1))
  const extra = { weights, observedAgreement: pa, expectedAgreement: pe }
  if (pe === 1) return result(Number.NaN, counts, Reasons.expectedAgreementOne, extra)
  return result((pa - pe) / (1 - pe), counts, undefined, extra)
}

/** Gwet's AC1: {@link gwetAC} without weights. */
export function gwetAC1(table: AnnotationTable): GwetResult {
  return gwetAC(table, { weights: 'none' })
}

/** Gwet's AC2: {@link gwetAC} with linear or quadratic weights (default quadratic). */
export function gwetAC2(
  table: AnnotationTable,
  weights: Exclude<WeightScheme, 'none'> = 'quadratic',
): GwetResult {
  return gwetAC(table, { weights })
}
