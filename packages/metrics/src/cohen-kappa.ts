import type { PairContingency } from './contingency'
import { pairContingency, resolvePair } from './contingency'
import type { MetricResult } from './result'
import { Reasons, result } from './result'
import type { AnnotationTable } from './table'
import type { WeightScheme } from './weights'
import { agreementWeights } from './weights'

export interface KappaOptions {
  /** The two annotators; may be omitted when the table has exactly two. */
  readonly pair?: readonly [string, string]
  /** 'none' (default) for Cohen's kappa, 'linear' or 'quadratic' for weighted kappa. */
  readonly weights?: WeightScheme
}

export interface KappaResult extends MetricResult {
  readonly annotators: readonly [string, string]
  readonly weights: WeightScheme
  /** p_o = Σ_ij w_ij p_ij (the proportion of agreement, weighted). */
  readonly observedAgreement: number
  /** p_e = Σ_ij w_ij p_i. p_.j (the agreement expected from the two marginals). */
  readonly expectedAgreement: number
}

/**
 * Cohen's kappa for two annotators over the items both rated, and weighted kappa.
 *
 * Cohen, J. (1960). "A coefficient of agreement for nominal scales." Educational and
 * Psychological Measurement 20(1), 37-46. Cohen, J. (1968). "Weighted kappa." Psychological
 * Bulletin 70(4), 213-220.
 *
 * With p_ij the proportion of shared items rated i by the first and j by the second
 * annotator and agreement weights w (see {@link agreementWeights}):
 *
 *   p_o = Σ_ij w_ij p_ij,   p_e = Σ_ij w_ij p_i. p_.j,   κ = (p_o − p_e) / (1 − p_e)
 *
 * which for weights is the same as 1 − Σ v_ij p_ij / Σ v_ij p_i. p_.j with v = 1 − w.
 *
 * Undefined: no shared item ("no items rated by both annotators"), p_e = 1 ("expected
 * agreement is one").
 *
 * Example (Wikipedia "Cohen's kappa": 50 proposals, both yes 20, both no 15, A yes B no 5,
 * A no B yes 10): p_o = 0.7, p_e = 0.5, κ = 0.4.
 */
export function cohenKappa(table: AnnotationTable, options: KappaOptions = {}): KappaResult {
  const [a, b] = resolvePair(table, options.pair, "Cohen's kappa")
  return kappaFromPair(table, pairContingency(table, a, b), options.weights ?? 'none')
}

export function kappaFromPair(
  table: AnnotationTable,
  pair: PairContingency,
  weights: WeightScheme,
): KappaResult {
  const { value, reason, observedAgreement, expectedAgreement } = kappaFromContingency(
    pair.table,
    pair.k,
    pair.shared,
    agreementWeights(weights, pair.k),
  )
  return result(
    value,
    {
      items: pair.shared,
      annotators: pair.shared > 0 ? 2 : 0,
      pairableValues: 2 * pair.shared,
      categories: pair.k,
    },
    reason,
    {
      annotators: [table.annotators[pair.a] as string, table.annotators[pair.b] as string] as const,
      weights,
      observedAgreement,
      expectedAgreement,
    },
  )
}

/** Kappa from a K x K table of counts (rows: first annotator) and agreement weights. */
export function kappaFromContingency(
  counts: ArrayLike<number>,
  k: number,
  total: number,
  w: Float64Array,
): { value: number; reason?: string; observedAgreement: number; expectedAgreement: number } {
  if (total === 0) {
    return {
      value: Number.NaN,
      reason: Reasons.noSharedItems,
      observedAgreement: Number.NaN,
      expectedAgreement: Number.NaN,
    }
  }
  // Sums of counts first, one division last: with integer counts and unweighted kappa the
  // numerator and denominator are exact, so perfect agreement gives exactly 1.
  const rows = new Float64Array(k)
  const cols = new Float64Array(k)
  let agree = 0
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const n = counts[i * k + j] as number
      if (n === 0) continue
      rows[i] = (rows[i] as number) + n
      cols[j] = (cols[j] as number) + n
      agree += (w[i * k + j] as number) * n
    }
  }
  let chance = 0
  for (let i = 0; i < k; i++) {
    const ri = rows[i] as number
    if (ri === 0) continue
    for (let j = 0; j < k; j++) chance += (w[i * k + j] as number) * ri * (cols[j] as number)
  }
  const nn = total * total
  const po = agree / total
  const pe = chance / nn
  if (chance >= nn) {
    return {
      value: Number.NaN,
      reason: Reasons.expectedAgreementOne,
      observedAgreement: po,
      expectedAgreement: pe,
    }
  }
  return {
    value: (agree * total - chance) / (nn - chance),
    observedAgreement: po,
    expectedAgreement: pe,
  }
}
