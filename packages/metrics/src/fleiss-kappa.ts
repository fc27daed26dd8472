import { annotatorsIn, itemCounts } from './item-counts'
import { categoryShares, observedAgreement } from './rater-agreement'
import type { MetricResult } from './result'
import { Reasons, result } from './result'
import type { AnnotationTable } from './table'

export interface FleissOptions {
  /**
   * false (default): items may have unequal numbers of ratings and the generalisation below
   * is used. true: Fleiss 1971 as published, which requires the same number of ratings m on
   * every item; otherwise the result is `NaN` with the reason "items have unequal numbers of
   * ratings".
   */
  readonly strict?: boolean
}

export interface FleissResult extends MetricResult {
  /** P̄: mean pairwise agreement per item. */
  readonly observedAgreement: number
  /** P̄_e = Σ_j p_j². */
  readonly expectedAgreement: number
  /** True when items had unequal numbers of ratings (the generalised form was used). */
  readonly generalised: boolean
}

/**
 * Fleiss' kappa for any number of annotators.
 *
 * Fleiss, J. L. (1971). "Measuring nominal scale agreement among many raters."
 * Psychological Bulletin 76(5), 378-382. With N items, m ratings each, n_ij raters putting
 * item i in category j:
 *
 *   P_i = Σ_j n_ij (n_ij − 1) / (m (m − 1)),  P̄ = (1/N) Σ_i P_i,
 *   p_j = Σ_i n_ij / (N m),  P̄_e = Σ_j p_j²,  κ = (P̄ − P̄_e) / (1 − P̄_e)
 *
 * Unequal numbers of ratings (the documented generalisation, Gwet 2014, Handbook of
 * Inter-Rater Reliability, 4th ed., §2.5, as in irrCAC::fleiss.kappa.raw): P̄ is averaged over
 * the items with r_i >= 2 ratings using each item's own r_i, and p_j = (1/n) Σ_i n_ij / r_i
 * over the items with at least one rating. With equal m this is exactly Fleiss 1971.
 *
 * Undefined: no item with two ratings ("no pairable units"), P̄_e = 1 ("expected agreement
 * is one"), or unequal ratings with `strict: true`.
 *
 * Example (Fleiss 1971, Table 1, 30 patients x 6 psychiatrists): κ = 0.430; Wikipedia's
 * example (10 subjects x 14 raters): κ = 0.210.
 */
export function fleissKappa(table: AnnotationTable, options: FleissOptions = {}): FleissResult {
  const ic = itemCounts(table)
  const { pa, units, pairableValues } = observedAgreement(ic)
  const { shares, items } = categoryShares(ic)
  let unequal = false
  for (let i = 1; i < ic.items; i++) {
    if (ic.ratings[i] !== ic.ratings[0]) {
      unequal = true
      break
    }
  }
  const counts = {
    items,
    annotators: annotatorsIn(table, 1),
    pairableValues,
    categories: ic.categories,
  }
  let pe = 0
  for (let c = 0; c < shares.length; c++) pe += (shares[c] as number) * (shares[c] as number)
  const extra = { observedAgreement: pa, expectedAgreement: pe, generalised: unequal }
  if (units === 0) return result(Number.NaN, counts, Reasons.noPairableUnits, extra)
  if (unequal && options.strict) return result(Number.NaN, counts, Reasons.unequalRatings, extra)
  if (pe === 1) return result(Number.NaN, counts, Reasons.expectedAgreementOne, extra)
  return result((pa - pe) / (1 - pe), counts, undefined, extra)
}
