import { kappaFromContingency } from './cohen-kappa'
import { NO_OTHERS, TIED, leaveOneOutConsensus } from './consensus'
import type { MetricResult } from './result'
import { Reasons, result } from './result'
import type { AnnotationTable } from './table'
import { agreementWeights } from './weights'

export interface AnnotatorAgreement {
  readonly annotator: string
  /** Items this annotator rated. */
  readonly rated: number
  /** Items compared: rated by this annotator and at least one other, consensus not tied. */
  readonly compared: number
  /** Items skipped because the others' plurality was tied. */
  readonly ties: number
  /** Share of compared items where the annotator's value equals the others' consensus. */
  readonly agreement: MetricResult
  /** Cohen's kappa between the annotator and the leave-one-out consensus. */
  readonly kappa: MetricResult
}

/**
 * Agreement of each annotator with the leave-one-out consensus of the others: for every item
 * the annotator rated, the consensus is the plurality value of the other annotators (items
 * where nobody else rated, or where the plurality is tied, are skipped and the ties counted).
 * The annotator and the consensus are then compared as two raters: percent agreement and
 * Cohen's kappa (Cohen 1960) over the compared items.
 *
 * Undefined: no compared item ("no items rated by both annotators" for the consensus), or
 * kappa's expected agreement of one.
 */
export function perAnnotatorAgreement(table: AnnotationTable): AnnotatorAgreement[] {
  const k = table.categories.length
  const kk = k * k
  const nA = table.annotators.length
  const consensus = leaveOneOutConsensus(table)
  const tables = new Float64Array(nA * kk)
  const rated = new Int32Array(nA)
  const ties = new Int32Array(nA)
  // involved[a * nA + b] = 1 when b's values entered a's consensus on a compared item.
  const involved = new Uint8Array(nA * nA)
  const { itemStart, annotator: annotatorOf, value } = table
  for (let i = 0; i < table.items.length; i++) {
    const lo = itemStart[i] as number
    const hi = itemStart[i + 1] as number
    for (let e = lo; e < hi; e++) {
      const a = annotatorOf[e] as number
      rated[a] = (rated[a] as number) + 1
      const c = consensus[e] as number
      if (c === TIED) ties[a] = (ties[a] as number) + 1
      else if (c !== NO_OTHERS) {
        const cell = a * kk + (value[e] as number) * k + c
        tables[cell] = (tables[cell] as number) + 1
        for (let f = lo; f < hi; f++) involved[a * nA + (annotatorOf[f] as number)] = 1
      }
    }
  }
  const w = agreementWeights('none', k)
  return table.annotators.map((annotator, a) => {
    const t = tables.subarray(a * kk, (a + 1) * kk)
    let compared = 0
    let agree = 0
    for (let c = 0; c < kk; c++) compared += t[c] as number
    for (let c = 0; c < k; c++) agree += t[c * k + c] as number
    let annotators = 0
    for (let b = 0; b < nA; b++) annotators += involved[a * nA + b] as number
    const counts = {
      items: compared,
      annotators,
      pairableValues: 2 * compared,
      categories: k,
    }
    const kr = kappaFromContingency(t, k, compared, w)
    return {
      annotator,
      rated: rated[a] as number,
      compared,
      ties: ties[a] as number,
      agreement: result(
        compared > 0 ? agree / compared : Number.NaN,
        counts,
        compared > 0 ? undefined : Reasons.noSharedItems,
        {},
      ),
      kappa: result(kr.value, counts, kr.reason, {}),
    }
  })
}
