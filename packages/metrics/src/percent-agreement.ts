import { annotatorsIn, itemCounts } from './item-counts'
import { observedAgreement } from './rater-agreement'
import type { MetricResult } from './result'
import { Reasons, result } from './result'
import type { AnnotationTable } from './table'

/**
 * Percent agreement (raw, not chance-corrected) for any number of annotators.
 *
 * For each item with r_i >= 2 ratings, the share of agreeing pairs of ratings
 * Σ_k r_ik (r_ik − 1) / (r_i (r_i − 1)), averaged over those items (Fleiss 1971's P̄;
 * Gwet 2014, Handbook of Inter-Rater Reliability, 4th ed., §2.1 "percent agreement"). For two
 * annotators it is the proportion of shared items on which they agree.
 *
 * Undefined: no item with two or more ratings ("no pairable units").
 *
 * Example (Krippendorff 2011 data, irrCAC `pa.coeff.raw(cac.raw4raters)`): 0.8181818.
 */
export function percentAgreement(table: AnnotationTable): MetricResult {
  const ic = itemCounts(table)
  const { pa, units, pairableValues } = observedAgreement(ic)
  const counts = {
    items: units,
    annotators: annotatorsIn(table, 2),
    pairableValues,
    categories: ic.categories,
  }
  return result(pa, counts, units === 0 ? Reasons.noPairableUnits : undefined, {})
}
