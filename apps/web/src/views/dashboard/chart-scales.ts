// Pure layout and formatting helpers for the dashboard's SVG charts. No DOM: unit-tested in Node.
import type { AgreementFilters } from './types'

/** A value with `digits` decimals, or an em dash when it is undefined (null/NaN); never "-0.000". */
export function formatValue(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—'
  const text = value.toFixed(digits)
  return /^-0\.?0*$/.test(text) ? text.slice(1) : text
}

/** "[low, high]", or '' when either bound is undefined. */
export function formatInterval(
  low: number | null | undefined,
  high: number | null | undefined,
  digits = 3,
): string {
  if (formatValue(low) === '—' || formatValue(high) === '—') return ''
  return `[${formatValue(low, digits)}, ${formatValue(high, digits)}]`
}

/** HH:MM:SS in local time. */
export function formatClock(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0')
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`
}

export type Scale = (value: number) => number

/** Maps [d0, d1] linearly onto [r0, r1]; a zero-width domain maps to the middle of the range. */
export function linearScale(domain: [number, number], range: [number, number]): Scale {
  const [d0, d1] = domain
  const [r0, r1] = range
  if (d1 === d0) return () => (r0 + r1) / 2
  return (v) => r0 + ((v - d0) / (d1 - d0)) * (r1 - r0)
}

/**
 * The axis domain for agreement values: always [.., 1] and including 0, extended down in steps of
 * `step` to the lowest value (coefficients can be negative), never below -1.
 */
export function agreementDomain(
  values: ReadonlyArray<number | null>,
  step = 0.25,
): [number, number] {
  let min = 0
  let max = 1
  for (const v of values) {
    if (v === null || !Number.isFinite(v)) continue
    min = Math.min(min, v)
    max = Math.max(max, v)
  }
  const low = Math.max(-1, Math.floor(min / step + 1e-9) * step)
  const high = Math.ceil(max / step - 1e-9) * step
  return [low === 0 ? 0 : low, high]
}

/** Tick values from domain[0] to domain[1] every `step`, rounded so 0.1 + 0.2 prints as 0.3. */
export function ticks(domain: [number, number], step: number): number[] {
  const out: number[] = []
  const count = Math.round((domain[1] - domain[0]) / step)
  for (let i = 0; i <= count; i++) {
    const v = Math.round((domain[0] + i * step) * 1e9) / 1e9
    out.push(v === 0 ? 0 : v)
  }
  return out
}

export interface Bands {
  /** Distance between the starts of two neighbouring bands. */
  step: number
  /** Width of one band. */
  band: number
  /** Start of band i. */
  start(i: number): number
  /** Centre of band i. */
  center(i: number): number
}

/** Splits [r0, r1] into `count` bands separated by `padding` (a fraction of the step). */
export function bands(count: number, range: [number, number], padding = 0.2): Bands {
  const [r0, r1] = range
  const step = count > 0 ? (r1 - r0) / count : 0
  const band = step * (1 - padding)
  const inset = (step - band) / 2
  return {
    step,
    band,
    start: (i) => r0 + i * step + inset,
    center: (i) => r0 + i * step + step / 2,
  }
}

/** A bar from the zero line to `value` (left for negative values), in pixels. */
export function barSpan(value: number, scale: Scale): { x: number; width: number } {
  const zero = scale(0)
  const end = scale(value)
  return { x: Math.min(zero, end), width: Math.abs(end - zero) }
}

/** Path data for a line through points, broken where y is null (an undefined week). */
export function linePath(points: ReadonlyArray<{ x: number; y: number | null }>): string {
  const parts: string[] = []
  let drawing = false
  for (const p of points) {
    if (p.y === null) {
      drawing = false
      continue
    }
    parts.push(`${drawing ? 'L' : 'M'}${round(p.x)} ${round(p.y)}`)
    drawing = true
  }
  return parts.join(' ')
}

function round(v: number): number {
  return Math.round(v * 10) / 10
}

/** Label every k-th point so labels `minSpacing` apart do not overlap when points are `spacing` apart. */
export function labelStride(spacing: number, minSpacing: number): number {
  if (spacing <= 0) return 1
  return Math.max(1, Math.ceil(minSpacing / spacing))
}

/** Whether point i gets a printed label: every `stride`-th one, and always the last. */
export function isLabelled(i: number, count: number, stride: number): boolean {
  return i % stride === 0 || i === count - 1
}

/**
 * Where a point's label goes so two series at one x do not collide: the higher value's above;
 * on a tie the series with `winsTies` goes above and the other below.
 */
export function labelSide(value: number, other: number | null, winsTies = true): 'above' | 'below' {
  if (other === null || value > other) return 'above'
  if (value < other) return 'below'
  return winsTies ? 'above' : 'below'
}

const WHITE: RGB = [255, 255, 255]
const POSITIVE: RGB = [31, 63, 154]
const NEGATIVE: RGB = [180, 35, 24]
const UNDEFINED_FILL = '#eef0f3'
type RGB = [number, number, number]

/**
 * Heatmap fill for an agreement value in [-1, 1]: white at 0, deepening blue towards 1 and red
 * towards -1; a neutral grey for undefined.
 */
export function heatColor(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return UNDEFINED_FILL
  const t = Math.min(1, Math.abs(value))
  const to = value < 0 ? NEGATIVE : POSITIVE
  return hex(WHITE.map((w, i) => w + (to[i]! - w) * t) as RGB)
}

function hex(rgb: RGB): string {
  return '#' + rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')
}

/** Dark or white text, whichever reads better on `fill` (#rrggbb). */
export function textColorOn(fill: string): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(fill)
  if (!m) return '#1b1f24'
  const [r, g, b] = [m[1]!, m[2]!, m[3]!].map((h) => {
    const c = parseInt(h, 16) / 255
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  }) as RGB
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
  // WCAG contrast against white (L = 1) and against the text colour #1b1f24 (L ~ 0.013).
  const onWhite = 1.05 / (luminance + 0.05)
  const onDark = (luminance + 0.05) / 0.063
  return onDark >= onWhite ? '#1b1f24' : '#ffffff'
}

/** Shortens `text` to `max` characters with an ellipsis. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, Math.max(0, max - 1)) + '…'
}

/** The filters as a query string without '?', leaving out empty ones; '' when none is set. */
export function filtersToQuery(filters: AgreementFilters): string {
  const params = new URLSearchParams()
  for (const key of ['label', 'annotator', 'from', 'to'] as const) {
    if (filters[key]) params.set(key, filters[key])
  }
  return params.toString()
}

/** Reads the filters back from a query string (with or without '?'). */
export function filtersFromQuery(search: string): AgreementFilters {
  const params = new URLSearchParams(search.startsWith('?') ? search.slice(1) : search)
  const date = (v: string | null) => (v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : '')
  return {
    label: params.get('label') ?? '',
    annotator: params.get('annotator') ?? '',
    from: date(params.get('from')),
    to: date(params.get('to')),
  }
}
