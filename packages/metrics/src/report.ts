import { bootstrapAlpha } from './bootstrap'
import { cohenKappa } from './cohen-kappa'
import type { Level } from './distance'
import { assertLevel } from './distance'
import { MetricsInputError } from './errors'
import { fleissKappa } from './fleiss-kappa'
import { gwetAC } from './gwet-ac'
import { confusedPairs, itemDisagreement, rankHotspots } from './item-disagreement'
import { krippendorffAlpha } from './krippendorff-alpha'
import { pairwiseAgreement, toRows } from './pairwise'
import { perAnnotatorAgreement } from './per-annotator'
import { perLabelAgreement } from './per-label'
import { percentAgreement } from './percent-agreement'
import type { Counts, MetricResult } from './result'
import { scottPi } from './scott-pi'
import type { AnnotationTable, Value } from './table'
import { show } from './table'

export type ReportMetric = 'alpha' | 'kappa' | 'fleiss' | 'ac1' | 'percent' | 'all'

export const REPORT_METRICS: readonly ReportMetric[] = Object.freeze([
  'alpha',
  'kappa',
  'fleiss',
  'ac1',
  'percent',
  'all',
])

export interface ReportOptions {
  /** Which statistics to include; default 'all'. */
  readonly metric?: ReportMetric
  /** Level of measurement for alpha (and weighted kappa / AC2 when not nominal). */
  readonly level?: Level
  /** Bootstrap replicates for alpha's confidence interval; 0 turns it off; default 1000. */
  readonly replicates?: number
  /** Bootstrap seed; default 0. */
  readonly seed?: number
  /** How many hotspot items and confused label pairs to list; default 10. */
  readonly top?: number
  /** A name for the data (e.g. the file), printed in the heading. */
  readonly source?: string
}

export interface ReportCoefficient {
  readonly name: string
  readonly value: number | null
  readonly reason?: string
  readonly counts: Counts
  /** Bootstrap percentile interval over items, when computed. */
  readonly interval?: {
    readonly lower: number | null
    readonly upper: number | null
    readonly confidence: number
    readonly replicates: number
  }
}

/** The report as plain data (JSON-ready: `NaN` is `null`, every undefined value has a reason). */
export interface AgreementReport {
  readonly source?: string
  readonly metric: ReportMetric
  readonly level: Level
  readonly counts: {
    readonly items: number
    readonly annotators: number
    readonly annotations: number
    readonly categories: number
  }
  readonly categories: readonly Value[]
  readonly annotators: readonly string[]
  readonly coefficients: readonly ReportCoefficient[]
  readonly pairwise?: {
    readonly annotators: readonly string[]
    readonly kappa: (number | null)[][]
    readonly alpha: (number | null)[][]
    readonly shared: number[][]
  }
  readonly perLabel?: readonly {
    readonly label: Value
    readonly used: number
    readonly alpha: number | null
    readonly alphaReason?: string
    readonly positiveAgreement: number | null
    readonly positiveAgreementReason?: string
  }[]
  readonly perAnnotator?: readonly {
    readonly annotator: string
    readonly rated: number
    readonly compared: number
    readonly ties: number
    readonly agreement: number | null
    readonly kappa: number | null
    readonly reason?: string
  }[]
  readonly hotspots?: readonly {
    readonly item: string
    readonly score: number
    readonly ratings: number
  }[]
  readonly confusedPairs?: readonly {
    readonly a: Value
    readonly b: Value
    readonly coincidences: number
    readonly pairs: number
  }[]
}

/**
 * Builds the agreement report for a table (pure: no I/O). The CLI prints
 * {@link formatReport} of it, or its JSON.
 */
export function buildReport(table: AnnotationTable, options: ReportOptions = {}): AgreementReport {
  const metric = options.metric ?? 'all'
  if (!REPORT_METRICS.includes(metric)) {
    throw new MetricsInputError(
      'invalid-option',
      `metric must be one of ${REPORT_METRICS.join(', ')}, got ${String(metric)}`,
    )
  }
  const level = options.level ?? 'nominal'
  assertLevel(level)
  const replicates = options.replicates ?? 1000
  const top = options.top ?? 10
  const want = (m: ReportMetric): boolean => metric === 'all' || metric === m
  const coefficients: ReportCoefficient[] = []
  const weighted = level !== 'nominal'

  if (want('alpha')) {
    const alpha = krippendorffAlpha(table, { level })
    let interval: ReportCoefficient['interval']
    if (replicates > 0 && !Number.isNaN(alpha.value)) {
      const b = bootstrapAlpha(table, { level, replicates, seed: options.seed ?? 0 })
      interval = {
        lower: nullable(b.lower),
        upper: nullable(b.upper),
        confidence: b.confidence,
        replicates: b.replicates,
      }
    }
    coefficients.push({
      ...coefficient(`Krippendorff's alpha (${level})`, alpha),
      ...(interval ? { interval } : {}),
    })
  }
  let pairwise: AgreementReport['pairwise']
  if (want('kappa')) {
    if (table.annotators.length === 2) {
      coefficients.push(coefficient("Cohen's kappa", cohenKappa(table)))
      if (weighted) {
        coefficients.push(
          coefficient("Cohen's weighted kappa (linear)", cohenKappa(table, { weights: 'linear' })),
        )
        coefficients.push(
          coefficient(
            "Cohen's weighted kappa (quadratic)",
            cohenKappa(table, { weights: 'quadratic' }),
          ),
        )
      }
      coefficients.push(coefficient("Scott's pi", scottPi(table)))
    }
  }
  if (want('fleiss')) {
    const f = fleissKappa(table)
    coefficients.push(
      coefficient(
        f.generalised ? "Fleiss' kappa (generalised, unequal ratings)" : "Fleiss' kappa",
        f,
      ),
    )
  }
  if (want('ac1')) {
    coefficients.push(coefficient("Gwet's AC1", gwetAC(table)))
    if (weighted)
      coefficients.push(
        coefficient("Gwet's AC2 (quadratic)", gwetAC(table, { weights: 'quadratic' })),
      )
  }
  if (want('percent')) coefficients.push(coefficient('Percent agreement', percentAgreement(table)))
  if (
    (want('kappa') && table.annotators.length > 2) ||
    (metric === 'all' && table.annotators.length > 1)
  ) {
    const p = pairwiseAgreement(table, { level })
    const size = p.annotators.length
    pairwise = {
      annotators: p.annotators,
      kappa: toRows(p.kappa, size).map((r) => r.map(nullable)),
      alpha: toRows(p.alpha, size).map((r) => r.map(nullable)),
      shared: toRows(p.shared, size),
    }
  }

  const report: AgreementReport = {
    ...(options.source !== undefined ? { source: options.source } : {}),
    metric,
    level,
    counts: {
      items: table.items.length,
      annotators: table.annotators.length,
      annotations: table.size,
      categories: table.categories.length,
    },
    categories: table.categories,
    annotators: table.annotators,
    coefficients,
    ...(pairwise ? { pairwise } : {}),
  }
  if (metric !== 'all') return report
  const scores = itemDisagreement(table)
  return {
    ...report,
    perLabel: perLabelAgreement(table).map((l) => ({
      label: l.label,
      used: l.used,
      alpha: nullable(l.alpha.value),
      ...(l.alpha.reason ? { alphaReason: l.alpha.reason } : {}),
      positiveAgreement: nullable(l.positiveAgreement.value),
      ...(l.positiveAgreement.reason
        ? { positiveAgreementReason: l.positiveAgreement.reason }
        : {}),
    })),
    perAnnotator: perAnnotatorAgreement(table).map((a) => ({
      annotator: a.annotator,
      rated: a.rated,
      compared: a.compared,
      ties: a.ties,
      agreement: nullable(a.agreement.value),
      kappa: nullable(a.kappa.value),
      ...(a.kappa.reason ? { reason: a.kappa.reason } : {}),
    })),
    hotspots: scores.entropyReason
      ? []
      : rankHotspots(scores, 'entropy', top).filter((h) => h.score > 0),
    confusedPairs: confusedPairs(table, top),
  }
}

/** The report as readable text (what `concord agreement FILE.csv` prints). */
export function formatReport(report: AgreementReport): string {
  const out: string[] = []
  const c = report.counts
  out.push(`Agreement${report.source ? ` for ${report.source}` : ''}`)
  out.push(
    `${c.items} items, ${c.annotators} annotators, ${c.annotations} annotations, ${c.categories} categories (${report.categories.map(show).join(', ')}); level ${report.level}`,
  )
  if (report.coefficients.length > 0) {
    out.push('')
    const rows = report.coefficients.map((k) => [
      k.name,
      fmt(k.value),
      k.interval ? `[${fmt(k.interval.lower)}, ${fmt(k.interval.upper)}]` : '',
      `${k.counts.items}`,
      `${k.counts.annotators}`,
      `${k.counts.pairableValues}`,
      k.reason ?? '',
    ])
    out.push(
      ...table(['Coefficient', 'Value', '95% CI', 'Items', 'Annotators', 'Pairable', 'Note'], rows),
    )
  }
  if (report.pairwise) {
    const p = report.pairwise
    out.push('', `Pairwise agreement: Cohen's kappa / alpha (${report.level}) (shared items)`)
    const rows = p.annotators.map((a, i) => [
      a,
      ...p.annotators.map((_, j) =>
        i === j
          ? `- (${p.shared[i]?.[j] ?? 0})`
          : `${fmt(p.kappa[i]?.[j] ?? null, 2)} / ${fmt(p.alpha[i]?.[j] ?? null, 2)} (${p.shared[i]?.[j] ?? 0})`,
      ),
    ])
    out.push(...table(['', ...p.annotators], rows))
  }
  if (report.perLabel) {
    out.push('', 'Per label (one-vs-rest)')
    out.push(
      ...table(
        ['Label', 'Used', 'Alpha', 'Positive agreement', 'Note'],
        report.perLabel.map((l) => [
          String(l.label),
          `${l.used}`,
          fmt(l.alpha),
          fmt(l.positiveAgreement),
          l.alphaReason ?? l.positiveAgreementReason ?? '',
        ]),
      ),
    )
  }
  if (report.perAnnotator) {
    out.push('', 'Per annotator (against the leave-one-out consensus of the others)')
    out.push(
      ...table(
        ['Annotator', 'Rated', 'Compared', 'Ties', 'Agreement', 'Kappa', 'Note'],
        report.perAnnotator.map((a) => [
          a.annotator,
          `${a.rated}`,
          `${a.compared}`,
          `${a.ties}`,
          fmt(a.agreement),
          fmt(a.kappa),
          a.reason ?? '',
        ]),
      ),
    )
  }
  if (report.hotspots && report.hotspots.length > 0) {
    out.push('', 'Disagreement hotspots (normalised entropy)')
    out.push(
      ...table(
        ['Item', 'Entropy', 'Ratings'],
        report.hotspots.map((h) => [h.item, fmt(h.score), `${h.ratings}`]),
      ),
    )
  }
  if (report.confusedPairs && report.confusedPairs.length > 0) {
    out.push('', 'Most confused label pairs')
    out.push(
      ...table(
        ['Labels', 'Coincidences', 'Annotator pairs'],
        report.confusedPairs.map((p) => [
          `${String(p.a)} / ${String(p.b)}`,
          fmt(p.coincidences, 2),
          `${p.pairs}`,
        ]),
      ),
    )
  }
  return out.join('\n') + '\n'
}

function coefficient(name: string, r: MetricResult): ReportCoefficient {
  return {
    name,
    value: nullable(r.value),
    ...(r.reason ? { reason: r.reason } : {}),
    counts: r.counts,
  }
}

function nullable(x: number): number | null {
  return Number.isNaN(x) ? null : x
}

function fmt(x: number | null, digits = 4): string {
  return x === null ? 'NaN' : x.toFixed(digits)
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd()
  return ['  ' + line(header), ...rows.map((r) => '  ' + line(r))]
}
