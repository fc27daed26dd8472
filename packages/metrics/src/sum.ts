/**
 * Neumaier's compensated summation (Neumaier 1974, "Rundungsfehleranalyse einiger Verfahren
 * zur Summation endlicher Summen"), the improved Kahan-Babuska algorithm.
 *
 * Used where many fractional terms are added (per-item coincidence weights 1/(m_u - 1),
 * squared deviations), so that results do not drift with the order of items.
 *
 * Example: `const s = new CompensatedSum(); s.add(1e16); s.add(1); s.add(-1e16); s.value === 1`
 */
export class CompensatedSum {
  private sum = 0
  private compensation = 0

  add(x: number): void {
    const t = this.sum + x
    if (Math.abs(this.sum) >= Math.abs(x)) this.compensation += this.sum - t + x
    else this.compensation += x - t + this.sum
    this.sum = t
  }

  get value(): number {
    return this.sum + this.compensation
  }
}

/** Compensated sum of an array-like of numbers. */
export function compensatedSum(xs: ArrayLike<number>): number {
  let sum = 0
  let c = 0
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i] as number
    const t = sum + x
    if (Math.abs(sum) >= Math.abs(x)) c += sum - t + x
    else c += x - t + sum
    sum = t
  }
  return sum + c
}
