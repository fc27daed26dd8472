// The agreement and hotspots API as the dashboard reads it (issue 5). `null` means the statistic
// is undefined for these data: the UI shows the reason, never 0.

/** A coefficient with its confidence interval; `n` is what it was computed over. */
export interface Coefficient {
  value: number | null
  low: number | null
  high: number | null
  reason?: string
  n: number
}

export interface AnnotatorRef {
  id: string
  name: string
}

export interface AgreementReport {
  computedAt: string | number
  level: string
  counts: { items: number; annotators: number; annotations: number; pairableItems: number }
  overall: {
    alpha: Coefficient
    kappa: Coefficient & { kind: 'fleiss' | 'cohen' }
    ac1: Coefficient
    percent: Coefficient
  }
  pairwise: {
    annotators: AnnotatorRef[]
    kappa: (number | null)[][]
    alpha: (number | null)[][]
    shared: number[][]
  }
  perLabel: Array<{
    label: string
    name: string
    alpha: number | null
    positiveAgreement: number | null
    count: number
    reason?: string
  }>
  perAnnotator: Array<{
    id: string
    name: string
    agreement: number | null
    items: number
    /** Items this annotator labelled, and their kappa with the consensus (when sent). */
    rated?: number
    kappa?: number | null
    reason?: string
  }>
  weekly: Array<{
    week: string
    alpha: number | null
    percent: number | null
    annotations: number
  }>
}

export interface HotspotsReport {
  items: Array<{
    itemId: string | number
    externalId: string
    text: string | null
    score: number
    reasons: string[]
    votes: Record<string, number>
  }>
  labelPairs: Array<{
    a: string
    b: string
    count: number
    examples: Array<{ itemId: string | number; externalId: string }>
  }>
  annotators: Array<{
    id: string
    name: string
    departure: number
    items: number
    confusion: { labels: string[]; matrix: number[][] }
  }>
}

/** The filters the agreement endpoint takes; empty strings mean "all". */
export interface AgreementFilters {
  label: string
  annotator: string
  from: string
  to: string
}

/** The CSV parts the server exports, one per chart. */
export type CsvPart = 'overall' | 'pairwise' | 'perLabel' | 'perAnnotator' | 'weekly'
