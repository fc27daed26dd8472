import type { ItemCounts } from './item-counts'

/**
 * The building blocks shared by percent agreement, Fleiss' kappa and Gwet's AC1/AC2
 * (Gwet 2014, Handbook of Inter-Rater Reliability, 4th ed., chapters 2 and 4).
 *
 * Observed agreement over the n' items with r_i >= 2 ratings, with agreement weights w
 * (identity when omitted) and r*_ik = Σ_l w_kl r_il:
 *
 *   p_a = (1/n') Σ_i Σ_k r_ik (r*_ik − 1) / (r_i (r_i − 1))
 *
 * which for the identity is the proportion of agreeing ordered pairs of ratings per item.
 */
export function observedAgreement(
  ic: ItemCounts,
  w?: Float64Array,
): { pa: number; units: number; pairableValues: number } {
  const { start, category, count, ratings } = ic
  const k = ic.categories
  let units = 0
  let pairableValues = 0
  let sum = 0
  let comp = 0
  for (let i = 0; i < ic.items; i++) {
    const m = ratings[i] as number
    if (m < 2) continue
    units++
    pairableValues += m
    const lo = start[i] as number
    const hi = start[i + 1] as number
    let agree = 0
    if (!w) {
      for (let p = lo; p < hi; p++) {
        const c = count[p] as number
        agree += c * (c - 1)
      }
    } else {
      for (let p = lo; p < hi; p++) {
        const cp = category[p] as number
        let star = 0
        for (let q = lo; q < hi; q++)
          star += (w[cp * k + (category[q] as number)] as number) * (count[q] as number)
        agree += (count[p] as number) * (star - 1)
      }
    }
    const x = agree / (m * (m - 1))
    const t = sum + x
    if (Math.abs(sum) >= Math.abs(x)) comp += sum - t + x
    else comp += x - t + sum
    sum = t
  }
  return { pa: units > 0 ? (sum + comp) / units : Number.NaN, units, pairableValues }
}

/**
 * π_k = (1/n) Σ_i r_ik / r_i over the n items with at least one rating: the average share of
 * each category per item (Gwet 2014; equals Fleiss's p_j when every item has m ratings).
 */
export function categoryShares(ic: ItemCounts): { shares: Float64Array; items: number } {
  const { start, category, count, ratings } = ic
  const shares = new Float64Array(ic.categories)
  let items = 0
  for (let i = 0; i < ic.items; i++) {
    const m = ratings[i] as number
    if (m < 1) continue
    items++
    for (let p = start[i] as number; p < (start[i + 1] as number); p++) {
      const c = category[p] as number
      shares[c] = (shares[c] as number) + (count[p] as number) / m
    }
  }
  if (items > 0) for (let c = 0; c < shares.length; c++) shares[c] = (shares[c] as number) / items
  return { shares, items }
}
