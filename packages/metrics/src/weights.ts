import { MetricsInputError } from './errors'

/** Weighting schemes for weighted kappa and Gwet's AC2. */
export type WeightScheme = 'none' | 'linear' | 'quadratic'

export const WEIGHT_SCHEMES: readonly WeightScheme[] = Object.freeze([
  'none',
  'linear',
  'quadratic',
])

/**
 * Agreement weights w_ij in [0, 1] between category positions i and j of K ordered
 * categories (Cohen 1968; Cicchetti & Allison 1971 for linear; Fleiss & Cohen 1973 for
 * quadratic):
 *
 *   none: [i = j]    linear: 1 − |i − j| / (K − 1)    quadratic: 1 − (i − j)² / (K − 1)²
 *
 * Positions are the indices in the table's category order (equally spaced), as in SAS PROC
 * FREQ and R irr::kappa2; for categories 1..K they equal Gwet's value-based weights.
 * Row-major K x K.
 */
export function agreementWeights(scheme: WeightScheme, k: number): Float64Array {
  if (!WEIGHT_SCHEMES.includes(scheme)) {
    throw new MetricsInputError(
      'invalid-option',
      `weights must be one of ${WEIGHT_SCHEMES.join(', ')}, got ${String(scheme)}`,
    )
  }
  const w = new Float64Array(k * k)
  const span = Math.max(1, k - 1)
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const d = Math.abs(i - j) / span
      w[i * k + j] = scheme === 'none' ? (i === j ? 1 : 0) : scheme === 'linear' ? 1 - d : 1 - d * d
    }
  }
  return w
}
