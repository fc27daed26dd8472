import {
  agreementWeights,
  alphaFromCoincidences,
  kappaFromContingency,
  Reasons,
  type AlphaMetric,
} from '@concord/metrics'
import type { AnnotationStore } from './annotation-store'

/**
 * The unfiltered agreement dashboard kept as sums over items, updated per changed item.
 *
 * Every statistic of the dashboard is a function of sums over items of per-item contributions
 * that depend only on that item's labels: Krippendorff's coincidences, the Fleiss/AC1/percent
 * item agreement and category shares, the pairwise contingency tables, the per-label binary
 * sums, the per-annotator leave-one-out confusion tables and the weekly coincidences. This
 * class keeps those sums in store codes (annotator code x value code, so a new annotator or
 * value does not reshuffle anything), replays the store's change log (subtracting each changed
 * item's old contribution and adding its current one), and derives the coefficients with the
 * same @concord/metrics functions (`alphaFromCoincidences`, `kappaFromContingency`) or the
 * same formulas (Fleiss, AC1, percent, per-label), in the table's category and annotator order.
 *
 * Fractions (1 / (m_u − 1), 1 / m_u, ...) are kept exact by summing integer contributions per
 * item size m and dividing once per m, so updates never accumulate rounding: the values equal
 * those computed on the table up to the order of floating-point additions (~1e-16 relative).
 */
export class AgreementAggregates {
  epoch = -1
  /** Next sequence number of the store's change log to replay. */
  seq = 0
  readonly ac: number
  readonly vc: number
  private readonly vv: number
  /** Per m: Σ n_c (n_k − [c = k]) (pairable items, m >= 2), [m][c][k] in value codes. */
  readonly oM: Float64Array
  /** Per m: Σ_c n_c (n_c − 1). */
  readonly agreeM: Float64Array
  /** Per m: Σ n_c, [m][c]. */
  readonly sharesM: Float64Array
  /** Items per number of labels m. */
  readonly itemsM: Float64Array
  /** Per m: Σ 2 n_c (m − n_c), [m][c] (per-label disagreement numerators). */
  readonly disM: Float64Array
  readonly usedP: Float64Array
  readonly agreePairs: Float64Array
  readonly allPairs: Float64Array
  /** Labels per annotator on pairable items, and on all items. */
  readonly pairAnn: Float64Array
  readonly rated: Float64Array
  /** Ordered pair tables [a][b][va][vb] (both orientations). */
  readonly pair: Float64Array
  /** Leave-one-out confusion [a][own value][consensus value], ties, involvement counts [a][b]. */
  readonly loo: Float64Array
  readonly ties: Float64Array
  readonly involved: Float64Array
  /** Absolute week index → weekly sums. */
  readonly weeks = new Map<number, WeekSums>()
  private readonly weekOf: WeekSums[] = []
  private readonly scratch: Int32Array
  private readonly touched: Int32Array

  constructor(ac: number, vc: number) {
    this.ac = ac
    this.vc = vc
    this.vv = vc * vc
    const m1 = ac + 1
    this.oM = new Float64Array(m1 * this.vv)
    this.agreeM = new Float64Array(m1)
    this.sharesM = new Float64Array(m1 * vc)
    this.itemsM = new Float64Array(m1)
    this.disM = new Float64Array(m1 * vc)
    this.usedP = new Float64Array(vc)
    this.agreePairs = new Float64Array(vc)
    this.allPairs = new Float64Array(vc)
    this.pairAnn = new Float64Array(ac)
    this.rated = new Float64Array(ac)
    this.pair = new Float64Array(ac * ac * this.vv)
    this.loo = new Float64Array(ac * this.vv)
    this.ties = new Float64Array(ac)
    this.involved = new Float64Array(ac * ac)
    this.scratch = new Int32Array(vc)
    this.touched = new Int32Array(vc)
  }

  private week(w: number): WeekSums {
    let s = this.weeks.get(w)
    if (!s) {
      s = {
        made: 0,
        items: 0,
        oM: new Float64Array((this.ac + 1) * this.vv),
        seen: new Float64Array(this.ac),
      }
      this.weeks.set(w, s)
    }
    return s
  }

  /** Adds (sign 1) or removes (sign −1) one item; `e` holds (annotator, value, time, unsure) per label. */
  apply(e: ArrayLike<number>, sign: number): void {
    const m = e.length >> 2
    if (m === 0) return
    const { vc, vv, ac, scratch, touched } = this
    this.itemsM[m] = (this.itemsM[m] as number) + sign
    let nt = 0
    for (let x = 0; x < m; x++) {
      const a = e[4 * x] as number
      const v = e[4 * x + 1] as number
      this.rated[a] = (this.rated[a] as number) + sign
      if (scratch[v] === 0) touched[nt++] = v
      scratch[v] = (scratch[v] as number) + 1
      // One week lookup per label; a pair's week is that of its later label.
      const wk = this.week(weekIndex(e[4 * x + 2] as number))
      wk.made += sign
      this.weekOf[x] = wk
    }
    for (let t = 0; t < nt; t++) {
      const c = touched[t] as number
      this.sharesM[m * vc + c] =
        (this.sharesM[m * vc + c] as number) + sign * (scratch[c] as number)
    }
    if (m >= 2) {
      let agree = 0
      for (let t = 0; t < nt; t++) {
        const c = touched[t] as number
        const nc = scratch[c] as number
        agree += nc * (nc - 1)
        for (let u = 0; u < nt; u++) {
          const k = touched[u] as number
          const cell = m * vv + c * vc + k
          this.oM[cell] =
            (this.oM[cell] as number) + sign * nc * ((scratch[k] as number) - (c === k ? 1 : 0))
        }
        this.usedP[c] = (this.usedP[c] as number) + sign * nc
        this.agreePairs[c] = (this.agreePairs[c] as number) + sign * nc * (nc - 1)
        this.allPairs[c] = (this.allPairs[c] as number) + sign * nc * (m - 1)
        if (nc < m)
          this.disM[m * vc + c] = (this.disM[m * vc + c] as number) + sign * 2 * nc * (m - nc)
      }
      this.agreeM[m] = (this.agreeM[m] as number) + sign * agree
      const itemWeeks: WeekSums[] = []
      for (let x = 0; x < m; x++) {
        const a = e[4 * x] as number
        const v = e[4 * x + 1] as number
        const te = e[4 * x + 2] as number
        this.pairAnn[a] = (this.pairAnn[a] as number) + sign
        // Leave-one-out consensus (leaveOneOutConsensus in @concord/metrics): the unique most
        // frequent value among the other labels, else a tie.
        let best = -1
        let bestCount = 0
        let tie = false
        for (let t = 0; t < nt; t++) {
          const c = touched[t] as number
          const n = (scratch[c] as number) - (c === v ? 1 : 0)
          if (n > bestCount) {
            best = c
            bestCount = n
            tie = false
          } else if (n === bestCount && n > 0) tie = true
        }
        if (tie) this.ties[a] = (this.ties[a] as number) + sign
        else {
          const cell = a * vv + v * vc + best
          this.loo[cell] = (this.loo[cell] as number) + sign
          for (let y = 0; y < m; y++) {
            const b = e[4 * y] as number
            this.involved[a * ac + b] = (this.involved[a * ac + b] as number) + sign
          }
        }
        for (let y = x + 1; y < m; y++) {
          const b = e[4 * y] as number
          const w = e[4 * y + 1] as number
          const tf = e[4 * y + 2] as number
          const p1 = (a * ac + b) * vv + v * vc + w
          const p2 = (b * ac + a) * vv + w * vc + v
          this.pair[p1] = (this.pair[p1] as number) + sign
          this.pair[p2] = (this.pair[p2] as number) + sign
          const wk = (te > tf ? this.weekOf[x] : this.weekOf[y]) as WeekSums
          const c1 = m * vv + v * vc + w
          const c2 = m * vv + w * vc + v
          wk.oM[c1] = (wk.oM[c1] as number) + sign
          wk.oM[c2] = (wk.oM[c2] as number) + sign
          wk.seen[a] = (wk.seen[a] as number) + sign
          wk.seen[b] = (wk.seen[b] as number) + sign
          if (!itemWeeks.includes(wk)) itemWeeks.push(wk)
        }
      }
      for (const wk of itemWeeks) wk.items += sign
    }
    for (let t = 0; t < nt; t++) scratch[touched[t] as number] = 0
  }
}

export interface WeekSums {
  made: number
  items: number
  oM: Float64Array
  seen: Float64Array
}

const WEEK = 7 * 86_400_000
/** 1969-12-29, the Monday before the epoch: week indices count Monday-aligned weeks from it. */
const MONDAY0 = -3 * 86_400_000
export const weekIndex = (ms: number): number => Math.floor((ms - MONDAY0) / WEEK)
export const weekStart = (w: number): number => MONDAY0 + w * WEEK

const aggregates = new WeakMap<AnnotationStore, AgreementAggregates>()

/**
 * The store's aggregates brought up to date (built in one pass on first use or after a full
 * reload, else by replaying the change log). Undefined when the shape is outside what they
 * cover (more than 64 annotators or values), and the caller computes from the table.
 */
export function aggregatesOf(store: AnnotationStore): AgreementAggregates | undefined {
  const A = store.annotators.length
  const V = store.values.length
  if (A > 64 || V > 64) return undefined
  let agg = aggregates.get(store)
  if (!agg || agg.epoch !== store.epoch || agg.ac < A || agg.vc < V || agg.seq < store.logBase) {
    agg = new AgreementAggregates(Math.max(8, 2 * A), Math.max(8, 2 * V))
    const e: number[] = []
    for (const list of store.byItem.values()) {
      entriesOf(store, list, e)
      agg.apply(e, 1)
    }
    agg.epoch = store.epoch
    agg.seq = store.logBase + store.log.length
    aggregates.set(store, agg)
    return agg
  }
  const end = store.logBase + store.log.length
  if (agg.seq < end) {
    const done = new Set<number>()
    for (let s = agg.seq; s < end; s++) {
      const rec = store.log[s - store.logBase] as { item: number; old: number[] }
      if (done.has(rec.item)) continue
      done.add(rec.item)
      agg.apply(rec.old, -1)
    }
    const e: number[] = []
    for (const item of done) {
      entriesOf(store, store.byItem.get(item) ?? [], e)
      agg.apply(e, 1)
    }
    agg.seq = end
  }
  return agg
}

function entriesOf(store: AnnotationStore, slots: readonly number[], out: number[]): void {
  out.length = 0
  for (const s of slots) {
    out.push(
      store.ann[s] as number,
      store.val[s] as number,
      store.at[s] as number,
      store.unsure[s] as number,
    )
  }
}

export interface DerivedAgreement {
  cats: string[]
  annotators: string[]
  codes: number[]
  items: number
  units: number
  pairableValues: number
  alpha: { value: number; reason?: string; n: number }
  fleiss: { value: number; reason?: string; n: number }
  ac1: { value: number; reason?: string; n: number }
  percent: { value: number; reason?: string; n: number }
  pairwise: { kappa: Float64Array; alpha: Float64Array; shared: Float64Array }
  perLabel: { label: string; alpha: number; alphaReason?: string; positive: number; used: number }[]
  perAnnotator: {
    annotator: string
    agreement: number
    reason?: string
    compared: number
    rated: number
    kappa: number
  }[]
  weekly: { start: number; alpha: number; percent: number; annotations: number }[]
  annotations: number
}

const add = (arr: Float64Array, i: number, x: number): void => {
  arr[i] = (arr[i] as number) + x
}

const undef = (reason: string, n: number) => ({ value: Number.NaN, reason, n })

/** Everything the unfiltered dashboard shows, from the aggregates (see the class comment). */
export function deriveAgreement(
  store: AnnotationStore,
  agg: AgreementAggregates,
  categories: readonly string[],
  level: 'nominal' | 'ordinal',
): DerivedAgreement {
  const { ac, vc, vv } = { ac: agg.ac, vc: agg.vc, vv: agg.vc * agg.vc }
  const extra = store.values.filter((v) => !categories.includes(v)).sort()
  const cats = [...categories, ...extra]
  const k = cats.length
  const catIndex = new Map(cats.map((c, i) => [c, i]))
  const V = store.values.length
  const catOf = new Int32Array(V)
  store.values.forEach((v, i) => (catOf[i] = catIndex.get(v) as number))
  const codes: number[] = []
  for (let a = 0; a < store.annotators.length; a++) if ((agg.rated[a] as number) > 0) codes.push(a)
  codes.sort((x, y) => {
    const p = store.annotators[x] as string
    const q = store.annotators[y] as string
    return p < q ? -1 : p > q ? 1 : 0
  })
  const annotators = codes.map((a) => store.annotators[a] as string)
  const metric: AlphaMetric = { kind: level }
  let items = 0
  let units = 0
  let n = 0
  let annotations = 0
  for (let m = 1; m <= ac; m++) {
    const im = agg.itemsM[m] as number
    items += im
    annotations += m * im
    if (m >= 2) {
      units += im
      n += m * im
    }
  }
  let annotators2 = 0
  for (let a = 0; a < ac; a++) if ((agg.pairAnn[a] as number) > 0) annotators2++

  // Krippendorff's alpha from the coincidence matrix.
  const o = new Float64Array(k * k)
  for (let m = 2; m <= ac; m++) {
    if ((agg.itemsM[m] as number) === 0) continue
    for (let v = 0; v < V; v++) {
      for (let w = 0; w < V; w++) {
        const x = agg.oM[m * vv + v * vc + w] as number
        if (x !== 0) add(o, (catOf[v] as number) * k + (catOf[w] as number), x / (m - 1))
      }
    }
  }
  const alphaR = alphaFromCoincidences(
    o,
    k,
    metric,
    { items: units, annotators: annotators2 },
    level,
  )
  const alpha =
    alphaR.reason !== undefined ? undef(alphaR.reason, units) : { value: alphaR.value, n: units }

  // Fleiss, AC1 and percent: mean item agreement and category shares.
  let paSum = 0
  for (let m = 2; m <= ac; m++) paSum += (agg.agreeM[m] as number) / (m * (m - 1))
  const pa = units > 0 ? paSum / units : Number.NaN
  const shares = new Float64Array(k)
  for (let m = 1; m <= ac; m++) {
    if ((agg.itemsM[m] as number) === 0) continue
    for (let v = 0; v < V; v++)
      add(shares, catOf[v] as number, (agg.sharesM[m * vc + v] as number) / m)
  }
  if (items > 0) for (let c = 0; c < k; c++) shares[c] = (shares[c] as number) / items
  let pe = 0
  for (let c = 0; c < k; c++) pe += (shares[c] as number) * (shares[c] as number)
  const fleiss =
    units === 0
      ? undef(Reasons.noPairableUnits, items)
      : pe === 1
        ? undef(Reasons.expectedAgreementOne, items)
        : { value: (pa - pe) / (1 - pe), n: items }
  let ac1: DerivedAgreement['ac1']
  if (units === 0) ac1 = undef(Reasons.noPairableUnits, items)
  else if (k < 2) ac1 = undef(Reasons.fewerThanTwoCategories, items)
  else {
    const wNone = agreementWeights('none', k)
    let tw = 0
    for (let i = 0; i < wNone.length; i++) tw += wNone[i] as number
    let s = 0
    for (let c = 0; c < k; c++) s += (shares[c] as number) * (1 - (shares[c] as number))
    const pe1 = (tw * s) / (k * (k - 1))
    ac1 =
      pe1 === 1
        ? undef(Reasons.expectedAgreementOne, items)
        : { value: (pa - pe1) / (1 - pe1), n: items }
  }
  const percent = units === 0 ? undef(Reasons.noPairableUnits, units) : { value: pa, n: units }

  // Pairwise.
  const A = codes.length
  const w = agreementWeights('none', k)
  const kappaM = new Float64Array(A * A).fill(Number.NaN)
  const alphaM = new Float64Array(A * A).fill(Number.NaN)
  const shared = new Float64Array(A * A)
  const t = new Float64Array(k * k)
  const oo = new Float64Array(k * k)
  for (let ra = 0; ra < A; ra++) {
    const a = codes[ra] as number
    shared[ra * A + ra] = agg.rated[a] as number
    for (let rb = ra + 1; rb < A; rb++) {
      const b = codes[rb] as number
      t.fill(0)
      let total = 0
      const base = (a * ac + b) * vv
      for (let v = 0; v < V; v++) {
        for (let x = 0; x < V; x++) {
          const c = agg.pair[base + v * vc + x] as number
          if (c === 0) continue
          add(t, (catOf[v] as number) * k + (catOf[x] as number), c)
          total += c
        }
      }
      shared[ra * A + rb] = shared[rb * A + ra] = total
      const kr = kappaFromContingency(t, k, total, w)
      for (let c = 0; c < k; c++) {
        for (let j = 0; j < k; j++)
          oo[c * k + j] = (t[c * k + j] as number) + (t[j * k + c] as number)
      }
      const counts = { items: total, annotators: total > 0 ? 2 : 0 }
      const ar = alphaFromCoincidences(oo, k, metric, counts, level)
      kappaM[ra * A + rb] = kappaM[rb * A + ra] = kr.reason !== undefined ? Number.NaN : kr.value
      alphaM[ra * A + rb] = alphaM[rb * A + ra] = ar.reason !== undefined ? Number.NaN : ar.value
    }
  }

  // Per label (perLabelAgreement: binary alpha and positive agreement of each category).
  const codeOfCat = new Int32Array(k).fill(-1)
  for (let v = 0; v < V; v++) codeOfCat[catOf[v] as number] = v
  const perLabel = cats.map((label, c) => {
    const v = codeOfCat[c] as number
    const used = v >= 0 ? (agg.usedP[v] as number) : 0
    let dis = 0
    if (v >= 0) for (let m = 2; m <= ac; m++) dis += (agg.disM[m * vc + v] as number) / (m - 1)
    const agreePairs = v >= 0 ? (agg.agreePairs[v] as number) : 0
    const allPairs = v >= 0 ? (agg.allPairs[v] as number) : 0
    let alphaV: number
    let alphaReason: string | undefined
    if (units === 0) {
      alphaV = Number.NaN
      alphaReason = Reasons.noPairableUnits
    } else {
      const expected = 2 * used * (n - used)
      if (expected > 0) {
        alphaV = 1 - ((n - 1) * dis) / expected
        if (Number.isNaN(alphaV)) alphaReason = 'undefined'
      } else {
        alphaV = Number.NaN
        alphaReason = Reasons.expectedDisagreementZero
      }
    }
    return {
      label,
      alpha: alphaV,
      ...(alphaReason !== undefined ? { alphaReason } : {}),
      positive: allPairs > 0 ? agreePairs / allPairs : Number.NaN,
      used,
    }
  })

  // Per annotator (perAnnotatorAgreement: against the leave-one-out consensus).
  const perAnnotator = codes.map((a) => {
    t.fill(0)
    let compared = 0
    let agree = 0
    for (let v = 0; v < V; v++) {
      for (let x = 0; x < V; x++) {
        const c = agg.loo[a * vv + v * vc + x] as number
        if (c === 0) continue
        add(t, (catOf[v] as number) * k + (catOf[x] as number), c)
      }
    }
    for (let c = 0; c < k * k; c++) compared += t[c] as number
    for (let c = 0; c < k; c++) agree += t[c * k + c] as number
    const kr = kappaFromContingency(t, k, compared, w)
    return {
      annotator: store.annotators[a] as string,
      agreement: compared > 0 ? agree / compared : Number.NaN,
      ...(compared > 0 ? {} : { reason: Reasons.noSharedItems }),
      compared,
      rated: agg.rated[a] as number,
      kappa: kr.reason !== undefined ? Number.NaN : kr.value,
    }
  })

  // Weekly windows (agreementOverTime from the Monday of the earliest label).
  const weekly: DerivedAgreement['weekly'] = []
  let lo = Infinity
  let hi = -Infinity
  for (const [wi, s] of agg.weeks) {
    if (s.made > 0) {
      if (wi < lo) lo = wi
      if (wi > hi) hi = wi
    }
  }
  for (let wi = lo; wi <= hi; wi++) {
    const s = agg.weeks.get(wi)
    const ow = new Float64Array(k * k)
    let annotatorsW = 0
    if (s) {
      for (let m = 2; m <= ac; m++) {
        for (let v = 0; v < V; v++) {
          for (let x = 0; x < V; x++) {
            const c = s.oM[m * vv + v * vc + x] as number
            if (c !== 0) add(ow, (catOf[v] as number) * k + (catOf[x] as number), c / (m - 1))
          }
        }
      }
      for (let a = 0; a < ac; a++) if ((s.seen[a] as number) > 0) annotatorsW++
    }
    const ar = alphaFromCoincidences(
      ow,
      k,
      metric,
      { items: s?.items ?? 0, annotators: annotatorsW },
      level,
    )
    let agreeW = 0
    for (let c = 0; c < k; c++) agreeW += ow[c * k + c] as number
    const nw = ar.counts.pairableValues
    weekly.push({
      start: weekStart(wi),
      alpha: ar.reason !== undefined ? Number.NaN : ar.value,
      percent: nw > 0 ? agreeW / nw : Number.NaN,
      annotations: s?.made ?? 0,
    })
  }

  return {
    cats,
    annotators,
    codes,
    items,
    units,
    pairableValues: n,
    alpha,
    fleiss,
    ac1,
    percent,
    pairwise: { kappa: kappaM, alpha: alphaM, shared },
    perLabel,
    perAnnotator,
    weekly,
    annotations,
  }
}
