/**
 * The common shape of every agreement result.
 *
 * - `value` is the statistic, or `NaN` when the definition leaves it undefined for this data.
 * - `reason` is set exactly when `value` is `NaN` and says why (e.g. "no pairable units").
 * - `counts` are the numbers the value was computed from, so a dashboard can show
 *   "alpha 0.74 over 11 items, 4 annotators, 40 pairable values".
 */
export interface Counts {
  /** Items (Krippendorff's "units") that entered the computation. */
  readonly items: number
  /** Annotators with at least one value that entered the computation. */
  readonly annotators: number
  /**
   * Values in items that have at least two values: Krippendorff's n. For two-annotator
   * statistics this is twice the number of shared items.
   */
  readonly pairableValues: number
  /** Categories in the table's category set (unused declared categories included). */
  readonly categories: number
}

export interface MetricResult {
  readonly value: number
  readonly reason?: string
  readonly counts: Counts
}

/** Common reasons, so callers can compare them. */
export const Reasons = {
  noPairableUnits: 'no pairable units (no item has two or more values)',
  noSharedItems: 'no items rated by both annotators',
  expectedDisagreementZero: 'expected disagreement is zero (every pairable value is the same)',
  expectedAgreementOne: 'expected agreement is one (a single category is used throughout)',
  fewerThanTwoCategories: 'fewer than two categories',
  unequalRatings:
    'items have unequal numbers of ratings (Fleiss 1971 requires the same number per item)',
  noItems: 'no items',
  noReplicates: 'every bootstrap replicate was undefined',
} as const

/** A defined result, or an undefined one when `value` is not finite and `reason` is given. */
export function result<T extends object>(
  value: number,
  counts: Counts,
  reason: string | undefined,
  extra: T,
): MetricResult & T {
  if (reason !== undefined || Number.isNaN(value)) {
    return { value: Number.NaN, reason: reason ?? 'undefined', counts, ...extra }
  }
  return { value, counts, ...extra }
}

export function undefinedResult<T extends object>(
  reason: string,
  counts: Counts,
  extra: T,
): MetricResult & T {
  return { value: Number.NaN, reason, counts, ...extra }
}
