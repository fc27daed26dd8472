import { pairContingency, resolvePair } from './contingency'
import type { MetricResult } from './result'
import { Reasons, result } from './result'
import type { AnnotationTable } from './table'

export interface ScottPiOptions {
  /** The two annotators; may be omitted when the table has exactly two. */
  readonly pair?: readonly [string, string]
}

export interface ScottPiResult extends MetricResult {
  readonly annotators: readonly [string, string]
  readonly observedAgreement: number
  readonly expectedAgreement: number
}

/**
 * Scott's pi for two annotators over the items both rated.
 *
 * Scott, W. A. (1955). "Reliability of content analysis: The case of nominal scale coding."
 * Public Opinion Quarterly 19(3), 321-325.
 *
 * Like Cohen's kappa, but chance agreement uses the pooled distribution of both annotators:
 *
 *   p_o = Σ_c p_cc,   π_c = (p_c. + p_.c) / 2,   p_e = Σ_c π_c²,   π = (p_o − p_e) / (1 − p_e)
 *
 * Undefined: no shared item, or p_e = 1 (one category throughout): `NaN` with the reason.
 *
 * Example (Gwet's irrCAC `cont3x3abstractors`, 100 abstracts, 3 categories): π = 0.7962397.
 */
export function scottPi(table: AnnotationTable, options: ScottPiOptions = {}): ScottPiResult {
  const [a, b] = resolvePair(table, options.pair, "Scott's pi")
  const pair = pairContingency(table, a, b)
  const { k, shared } = pair
  const counts = {
    items: shared,
    annotators: shared > 0 ? 2 : 0,
    pairableValues: 2 * shared,
    categories: k,
  }
  const names = [table.annotators[a] as string, table.annotators[b] as string] as const
  if (shared === 0) {
    return result(Number.NaN, counts, Reasons.noSharedItems, {
      annotators: names,
      observedAgreement: Number.NaN,
      expectedAgreement: Number.NaN,
    })
  }
  // Integer sums first: π = (4N·Σ_c n_cc − Σ_c m_c²) / (4N² − Σ_c m_c²) with m_c the pooled
  // count of category c, exact for integer counts (perfect agreement gives exactly 1).
  let diagonal = 0
  let pooled = 0
  for (let c = 0; c < k; c++) {
    diagonal += pair.table[c * k + c] as number
    let margin = 0
    for (let j = 0; j < k; j++) {
      margin += (pair.table[c * k + j] as number) + (pair.table[j * k + c] as number)
    }
    pooled += margin * margin
  }
  const denominator = 4 * shared * shared
  const po = diagonal / shared
  const pe = pooled / denominator
  const extra = { annotators: names, observedAgreement: po, expectedAgreement: pe }
  if (pooled >= denominator) return result(Number.NaN, counts, Reasons.expectedAgreementOne, extra)
  return result((4 * shared * diagonal - pooled) / (denominator - pooled), counts, undefined, extra)
}
