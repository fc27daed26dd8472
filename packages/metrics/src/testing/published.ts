/**
 * Published reliability data sets used by the table-driven tests, each with its source.
 * Rows are items, columns annotators, `null` is a missing value.
 */
type Cell = number | string | null

/**
 * Krippendorff, K. (2011). "Computing Krippendorff's Alpha-Reliability", section C
 * ("Nominal data, any number of observers, missing values"): observers A, B, C, D rate 12
 * units; the same data set ships with Gwet's irrCAC package as `cac.raw4raters`.
 */
export const krippendorff2011: readonly (readonly Cell[])[] = [
  [1, 1, null, 1],
  [2, 2, 3, 2],
  [3, 3, 3, 3],
  [3, 3, 3, 3],
  [2, 2, 2, 2],
  [1, 2, 3, 4],
  [4, 4, 4, 4],
  [1, 1, 2, 1],
  [2, 2, 2, 2],
  [null, 5, 5, 5],
  [null, null, 1, 1],
  [null, null, 3, null],
]

/**
 * Fleiss, J. L. (1971). "Measuring nominal scale agreement among many raters."
 * Psychological Bulletin 76(5), 378-382, Table 1: 30 patients, 6 psychiatrists each,
 * categories 1 Depression, 2 Personality disorder, 3 Schizophrenia, 4 Neurosis, 5 Other.
 * Raw ratings as distributed in R's irr package (`diagnoses`). Fleiss reports κ = .430
 * (irr::kappam.fleiss: 0.4302445).
 */
export const fleiss1971: readonly (readonly number[])[] = [
  [4, 4, 4, 4, 4, 4],
  [2, 2, 2, 5, 5, 5],
  [2, 3, 3, 3, 3, 5],
  [5, 5, 5, 5, 5, 5],
  [2, 2, 2, 4, 4, 4],
  [1, 1, 3, 3, 3, 3],
  [3, 3, 3, 3, 5, 5],
  [1, 1, 3, 3, 3, 4],
  [1, 1, 4, 4, 4, 4],
  [5, 5, 5, 5, 5, 5],
  [1, 4, 4, 4, 4, 4],
  [1, 2, 4, 4, 4, 4],
  [2, 2, 2, 3, 3, 3],
  [1, 4, 4, 4, 4, 4],
  [2, 2, 4, 4, 4, 5],
  [3, 3, 3, 3, 3, 5],
  [1, 1, 1, 4, 5, 5],
  [1, 1, 1, 1, 1, 2],
  [2, 2, 4, 4, 4, 4],
  [1, 3, 3, 5, 5, 5],
  [5, 5, 5, 5, 5, 5],
  [2, 4, 4, 4, 4, 4],
  [2, 2, 4, 5, 5, 5],
  [1, 1, 4, 4, 4, 4],
  [1, 4, 4, 4, 4, 5],
  [2, 2, 2, 2, 2, 4],
  [1, 1, 1, 1, 5, 5],
  [2, 2, 4, 4, 4, 4],
  [1, 3, 3, 3, 3, 3],
  [5, 5, 5, 5, 5, 5],
]

/**
 * Wikipedia, "Fleiss' kappa", worked example (10 subjects, 14 raters, 5 categories), given
 * as counts n_ij of raters per subject and category. Published: P̄ = 0.378, P̄e = 0.213,
 * κ = 0.210.
 */
export const wikipediaFleissCounts: readonly (readonly number[])[] = [
  [0, 0, 0, 0, 14],
  [0, 2, 6, 4, 2],
  [0, 0, 3, 5, 6],
  [0, 3, 9, 2, 0],
  [2, 2, 8, 1, 1],
  [7, 7, 0, 0, 0],
  [3, 2, 6, 3, 0],
  [2, 5, 3, 2, 2],
  [6, 5, 2, 1, 0],
  [0, 2, 2, 3, 7],
]

/**
 * R irr package, `anxiety` data (20 subjects rated by 3 raters on a 1-6 scale); the columns
 * rater2 and rater3 are the two-rater example of irr::kappa2: unweighted κ = -0.006289308,
 * "equal" (linear) weights 0.1459075, "squared" (quadratic) weights 0.2520325. Category 5 is
 * never used by these two raters and irr drops it, so the categories are 1, 2, 3, 4, 6.
 */
export const irrAnxiety: readonly (readonly number[])[] = [
  [3, 3, 2],
  [3, 6, 1],
  [3, 4, 4],
  [4, 6, 4],
  [5, 2, 3],
  [5, 4, 2],
  [2, 2, 1],
  [3, 4, 6],
  [5, 3, 1],
  [2, 3, 1],
  [2, 2, 1],
  [6, 3, 2],
  [1, 3, 3],
  [5, 3, 3],
  [2, 2, 1],
  [2, 2, 1],
  [1, 1, 3],
  [2, 3, 3],
  [4, 3, 2],
  [3, 4, 2],
]

/** Expands a two-rater contingency table (rows rater 1, columns rater 2) into rows. */
export function rowsFromContingency(
  table: readonly (readonly number[])[],
  labels: readonly (string | number)[],
): (string | number)[][] {
  const rows: (string | number)[][] = []
  table.forEach((row, i) =>
    row.forEach((n, j) => {
      for (let r = 0; r < n; r++)
        rows.push([labels[i] as string | number, labels[j] as string | number])
    }),
  )
  return rows
}

/** Expands subject x category counts (Fleiss's layout) into rows of ratings. */
export function rowsFromCounts(
  counts: readonly (readonly number[])[],
  labels: readonly (string | number)[],
): (string | number)[][] {
  return counts.map((row) => {
    const out: (string | number)[] = []
    row.forEach((n, j) => {
      for (let r = 0; r < n; r++) out.push(labels[j] as string | number)
    })
    return out
  })
}
