// Property tests (fast-check): invariances, perfect agreement, bounds, bootstrap intervals, and
// "undefined means NaN with a reason, never an exception", over random annotation tables.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { bootstrapAlpha, bootstrapKappa } from './bootstrap'
import { cohenKappa } from './cohen-kappa'
import { itemCounts } from './item-counts'
import type { Level } from './distance'
import { deltaMatrix } from './distance'
import { fleissKappa } from './fleiss-kappa'
import { gwetAC } from './gwet-ac'
import { confusedPairs, itemDisagreement } from './item-disagreement'
import { krippendorffAlpha } from './krippendorff-alpha'
import { masiAlpha } from './masi'
import { compileMultiLabelTable } from './multi-label-table'
import { pairwiseAgreement } from './pairwise'
import { perAnnotatorAgreement } from './per-annotator'
import { perLabelAgreement, perLabelAgreementMulti } from './per-label'
import { percentAgreement } from './percent-agreement'
import { createRandom } from './random'
import type { MetricResult } from './result'
import { scottPi } from './scott-pi'
import type { Annotation, AnnotationTable } from './table'
import { compileTable } from './table'
import { agreementOverTime } from './time-windows'

const LEVELS: Level[] = ['nominal', 'ordinal', 'interval', 'ratio']

/** Wide data: rows of items, columns of annotators, values 1..k or null. */
interface Wide {
  rows: (number | null)[][]
  annotators: number
  categories: number
}

const wide = (
  opts: {
    minItems?: number
    maxItems?: number
    maxAnnotators?: number
    maxCategories?: number
  } = {},
) =>
  fc
    .record({
      annotators: fc.integer({ min: 1, max: opts.maxAnnotators ?? 5 }),
      categories: fc.integer({ min: 1, max: opts.maxCategories ?? 5 }),
    })
    .chain(({ annotators, categories }) =>
      fc
        .array(
          fc.array(fc.option(fc.integer({ min: 1, max: categories }), { nil: null, freq: 3 }), {
            minLength: annotators,
            maxLength: annotators,
          }),
          { minLength: opts.minItems ?? 0, maxLength: opts.maxItems ?? 20 },
        )
        .map((rows): Wide => ({ rows, annotators, categories })),
    )

type Namer = (i: number, j: number, v: number) => readonly [string, string, string | number]

function triples(w: Wide, name: Namer = (i, j, v) => [`i${i}`, `a${j}`, v]): Annotation[] {
  const out: Annotation[] = []
  w.rows.forEach((row, i) =>
    row.forEach((v, j) => {
      if (v === null) return
      const [item, annotator, value] = name(i, j, v)
      out.push({ item, annotator, value })
    }),
  )
  return out
}

function shuffle<T>(xs: T[], seed: number): T[] {
  const r = createRandom(seed)
  const out = [...xs]
  for (let i = out.length - 1; i > 0; i--) {
    const j = r.nextInt(i + 1)
    ;[out[i], out[j]] = [out[j] as T, out[i] as T]
  }
  return out
}

const hasPair = (t: AnnotationTable): boolean =>
  t.annotators.includes('a0') && t.annotators.includes('a1')

/** The same value, or both NaN with the same reason. */
function same(a: MetricResult, b: MetricResult): void {
  if (Number.isNaN(a.value)) {
    expect(b.value).toBeNaN()
    expect(b.reason).toBe(a.reason)
  } else expect(b.value).toBeCloseTo(a.value, 10)
}

/** Defined and finite, or NaN with a non-empty reason. */
function wellFormed(r: MetricResult): void {
  if (Number.isNaN(r.value)) expect(r.reason).toMatch(/\w/)
  else {
    expect(Number.isFinite(r.value)).toBe(true)
    expect(r.reason).toBeUndefined()
  }
}

/** Krippendorff's alpha straight from the definition: full coincidence and δ² matrices. */
function oracleAlpha(t: AnnotationTable, level: Level): number {
  const k = t.categories.length
  const ic = itemCounts(t)
  const o = new Float64Array(k * k)
  for (let i = 0; i < ic.items; i++) {
    const m = ic.ratings[i] as number
    if (m < 2) continue
    const dense = new Float64Array(k)
    for (let p = ic.start[i] as number; p < (ic.start[i + 1] as number); p++)
      dense[ic.category[p] as number] = ic.count[p] as number
    for (let c = 0; c < k; c++)
      for (let d = 0; d < k; d++)
        o[c * k + d] =
          (o[c * k + d] as number) +
          ((dense[c] as number) * ((dense[d] as number) - (c === d ? 1 : 0))) / (m - 1)
  }
  const nc = new Float64Array(k)
  for (let c = 0; c < k; c++)
    for (let d = 0; d < k; d++) nc[c] = (nc[c] as number) + (o[c * k + d] as number)
  const n = nc.reduce((s, v) => s + v, 0)
  const delta = deltaMatrix(level, k, Float64Array.from(t.categories as number[]), nc)
  let num = 0
  let den = 0
  for (let c = 0; c < k; c++) {
    for (let d = 0; d < k; d++) {
      num += (o[c * k + d] as number) * (delta[c * k + d] as number)
      den += (nc[c] as number) * (nc[d] as number) * (delta[c * k + d] as number)
    }
  }
  return n === 0 || den === 0 ? Number.NaN : 1 - ((n - 1) * num) / den
}

describe('properties', () => {
  it('alpha equals the textbook computation from full coincidence and δ² matrices (all levels)', () => {
    fc.assert(
      fc.property(wide({ maxItems: 30 }), (w) => {
        const t = compileTable(triples(w))
        for (const level of LEVELS) {
          const ours = krippendorffAlpha(t, { level }).value
          const oracle = oracleAlpha(t, level)
          if (Number.isNaN(oracle)) expect(ours).toBeNaN()
          else expect(ours).toBeCloseTo(oracle, 10)
        }
      }),
      { numRuns: 200 },
    )
  })

  it('is invariant under renaming and reordering items, annotators and (nominal) labels', () => {
    fc.assert(
      fc.property(wide(), fc.integer(), (w, seed) => {
        const itemPerm = shuffle(
          w.rows.map((_, i) => i),
          seed,
        )
        const annPerm = shuffle(
          Array.from({ length: w.annotators }, (_, j) => j),
          seed + 1,
        )
        const labelPerm = shuffle(
          Array.from({ length: w.categories }, (_, c) => c + 1),
          seed + 2,
        )
        const original = compileTable(triples(w, (i, j, v) => [`item${i}`, `ann${j}`, `label${v}`]))
        const renamed = compileTable(
          shuffle(
            triples(w, (i, j, v) => [`x${itemPerm[i]}`, `r${annPerm[j]}`, `L${labelPerm[v - 1]}`]),
            seed + 3,
          ),
        )
        same(krippendorffAlpha(original), krippendorffAlpha(renamed))
        same(fleissKappa(original), fleissKappa(renamed))
        same(gwetAC(original), gwetAC(renamed))
        same(percentAgreement(original), percentAgreement(renamed))
        const po = pairwiseAgreement(original)
        const pr = pairwiseAgreement(renamed)
        for (const pair of po.pairs) {
          const a = `r${annPerm[Number(pair.a.slice(3))]}`
          const b = `r${annPerm[Number(pair.b.slice(3))]}`
          const match = pr.pairs.find((q) => (q.a === a && q.b === b) || (q.a === b && q.b === a))
          expect(match?.shared).toBe(pair.shared)
          same(pair.kappa, match?.kappa as MetricResult)
          same(pair.alpha, match?.alpha as MetricResult)
        }
        const lo = perLabelAgreement(original)
        const lr = perLabelAgreement(renamed)
        for (const l of lo) {
          const name = `L${labelPerm[Number(String(l.label).slice(5)) - 1]}`
          const match = lr.find((x) => x.label === name)
          same(l.alpha, match?.alpha as MetricResult)
          same(l.positiveAgreement, match?.positiveAgreement as MetricResult)
        }
      }),
      { numRuns: 150 },
    )
  })

  it('ordered levels and weighted statistics are invariant under reordering items, annotators and triples', () => {
    fc.assert(
      fc.property(wide(), fc.integer(), (w, seed) => {
        const base = triples(w)
        const t1 = compileTable(base, {
          categories: Array.from({ length: w.categories }, (_, c) => c + 1),
        })
        const t2 = compileTable(shuffle(base, seed), {
          categories: Array.from({ length: w.categories }, (_, c) => c + 1),
        })
        for (const level of LEVELS)
          same(krippendorffAlpha(t1, { level }), krippendorffAlpha(t2, { level }))
        for (const weights of ['linear', 'quadratic'] as const)
          same(gwetAC(t1, { weights }), gwetAC(t2, { weights }))
        if (hasPair(t1)) {
          for (const weights of ['none', 'linear', 'quadratic'] as const) {
            same(
              cohenKappa(t1, { pair: ['a0', 'a1'], weights }),
              cohenKappa(t2, { pair: ['a0', 'a1'], weights }),
            )
          }
        }
      }),
      { numRuns: 150 },
    )
  })

  it('perfect agreement with variation gives alpha = kappa = pi = Fleiss = AC1 = 1', () => {
    const perfect = fc
      .record({
        annotators: fc.integer({ min: 2, max: 6 }),
        truths: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 2, maxLength: 20 }),
        seed: fc.integer(),
      })
      .filter(({ truths }) => new Set(truths).size >= 2)
    fc.assert(
      fc.property(perfect, ({ annotators, truths, seed }) => {
        const r = createRandom(seed)
        const rows = truths.map((v) =>
          Array.from({ length: annotators }, (_, j) => (j < 2 || r.nextFloat() < 0.6 ? v : null)),
        )
        const t = compileTable(triples({ rows, annotators, categories: 5 }))
        for (const level of LEVELS) expect(krippendorffAlpha(t, { level }).value).toBeCloseTo(1, 12)
        expect(fleissKappa(t).value).toBeCloseTo(1, 12)
        expect(gwetAC(t).value).toBeCloseTo(1, 12)
        expect(gwetAC(t, { weights: 'quadratic' }).value).toBeCloseTo(1, 12)
        expect(percentAgreement(t).value).toBe(1)
        for (const weights of ['none', 'linear', 'quadratic'] as const) {
          expect(cohenKappa(t, { pair: ['a0', 'a1'], weights }).value).toBeCloseTo(1, 12)
        }
        expect(scottPi(t, { pair: ['a0', 'a1'] }).value).toBeCloseTo(1, 12)
        for (const p of pairwiseAgreement(t).pairs) {
          if (
            new Set(
              truths.filter(
                (_, i) =>
                  rows[i]?.[Number(p.a.slice(1))] !== null &&
                  rows[i]?.[Number(p.b.slice(1))] !== null,
              ),
            ).size >= 2
          ) {
            expect(p.kappa.value).toBeCloseTo(1, 12)
          }
        }
      }),
      { numRuns: 150 },
    )
  })

  it('values stay within the bounds of their definitions', () => {
    fc.assert(
      fc.property(wide({ maxItems: 25 }), (w) => {
        const t = compileTable(triples(w))
        const eps = 1e-12
        for (const level of LEVELS) {
          const a = krippendorffAlpha(t, { level }).value
          if (!Number.isNaN(a)) expect(a).toBeLessThanOrEqual(1 + eps)
        }
        const check = (r: MetricResult, lo: number, hi: number) => {
          if (Number.isNaN(r.value)) return
          expect(r.value).toBeGreaterThanOrEqual(lo - eps)
          expect(r.value).toBeLessThanOrEqual(hi + eps)
        }
        check(percentAgreement(t), 0, 1)
        check(fleissKappa(t), -Infinity, 1)
        check(gwetAC(t), -Infinity, 1)
        for (const p of pairwiseAgreement(t).pairs) check(p.kappa, -1, 1)
        if (hasPair(t)) {
          check(scottPi(t, { pair: ['a0', 'a1'] }), -1, 1)
          for (const weights of ['linear', 'quadratic'] as const)
            check(cohenKappa(t, { pair: ['a0', 'a1'], weights }), -1, 1)
        }
        for (const l of perLabelAgreement(t)) {
          check(l.positiveAgreement, 0, 1)
          check(l.alpha, -Infinity, 1)
        }
        const d = itemDisagreement(t)
        for (let i = 0; i < d.items.length; i++) {
          if (!Number.isNaN(d.entropy[i] as number)) {
            expect(d.entropy[i]).toBeGreaterThanOrEqual(0)
            expect(d.entropy[i]).toBeLessThanOrEqual(1 + eps)
          }
          expect(d.minorityShare[i]).toBeGreaterThanOrEqual(0)
          expect(d.minorityShare[i]).toBeLessThanOrEqual(1 - 1 / t.categories.length + eps)
        }
      }),
      { numRuns: 200 },
    )
  })

  it('bootstrap intervals contain the point estimate', () => {
    const moderate = fc.record({
      items: fc.integer({ min: 40, max: 120 }),
      annotators: fc.integer({ min: 2, max: 5 }),
      accuracy: fc.double({ min: 0.4, max: 0.95, noNaN: true }),
      seed: fc.integer(),
    })
    fc.assert(
      fc.property(moderate, ({ items, annotators, accuracy, seed }) => {
        const r = createRandom(seed)
        const rows = Array.from({ length: items }, () => {
          const truth = 1 + r.nextInt(4)
          return Array.from({ length: annotators }, () =>
            r.nextFloat() < 0.2 ? null : r.nextFloat() < accuracy ? truth : 1 + r.nextInt(4),
          )
        })
        const t = compileTable(triples({ rows, annotators, categories: 4 }))
        for (const level of LEVELS) {
          const b = bootstrapAlpha(t, { level, replicates: 300, seed })
          if (Number.isNaN(b.estimate.value)) continue
          expect(b.lower).toBeLessThanOrEqual(b.estimate.value)
          expect(b.upper).toBeGreaterThanOrEqual(b.estimate.value)
        }
        const k = hasPair(t)
          ? bootstrapKappa(t, { pair: ['a0', 'a1'], replicates: 300, seed })
          : undefined
        if (k && !Number.isNaN(k.estimate.value)) {
          expect(k.lower).toBeLessThanOrEqual(k.estimate.value)
          expect(k.upper).toBeGreaterThanOrEqual(k.estimate.value)
        }
      }),
      { numRuns: 40 },
    )
  })

  it('degenerate tables never throw: every result is a number or NaN with a reason', () => {
    fc.assert(
      fc.property(
        wide({ maxItems: 4, maxAnnotators: 3, maxCategories: 2 }),
        fc.integer(),
        (w, seed) => {
          const base = triples(w)
          const t = compileTable(base.map((a, i) => ({ ...a, at: (i * 7) % 5 })))
          for (const level of LEVELS) {
            wellFormed(krippendorffAlpha(t, { level }))
            const b = bootstrapAlpha(t, { level, replicates: 5, seed })
            if (Number.isNaN(b.lower)) expect(b.reason).toMatch(/\w/)
            for (const p of pairwiseAgreement(t, { level }).pairs) {
              wellFormed(p.kappa)
              wellFormed(p.alpha)
            }
            for (const win of agreementOverTime(t, { width: 2, level })) {
              wellFormed(win.alpha)
              wellFormed(win.agreement)
            }
          }
          wellFormed(fleissKappa(t))
          wellFormed(fleissKappa(t, { strict: true }))
          for (const weights of ['none', 'linear', 'quadratic'] as const)
            wellFormed(gwetAC(t, { weights }))
          wellFormed(percentAgreement(t))
          for (const l of perLabelAgreement(t)) {
            wellFormed(l.alpha)
            wellFormed(l.positiveAgreement)
          }
          for (const a of perAnnotatorAgreement(t)) {
            wellFormed(a.agreement)
            wellFormed(a.kappa)
          }
          itemDisagreement(t)
          confusedPairs(t)
          if (t.annotators.length >= 2) {
            const pair = [t.annotators[0], t.annotators[1]] as [string, string]
            for (const weights of ['none', 'linear', 'quadratic'] as const)
              wellFormed(cohenKappa(t, { pair, weights }))
            wellFormed(scottPi(t, { pair }))
            const k = bootstrapKappa(t, { pair, replicates: 5 })
            if (Number.isNaN(k.lower)) expect(k.reason).toMatch(/\w/)
          }
          const multi = compileMultiLabelTable(
            base.flatMap((a) => [a, { ...a, value: (a.value as number) + 1 }]),
          )
          wellFormed(masiAlpha(multi))
          for (const l of perLabelAgreementMulti(multi)) wellFormed(l.alpha)
        },
      ),
      { numRuns: 300 },
    )
  })
})
