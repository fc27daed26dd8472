// Benchmark: Concord's agreement statistics against the NumPy reference (../shared/bench/ref_iaa.py)
// on the same seeded data. Both sides time the computation only (parsing and coding the table are
// excluded on both sides), best of N runs. Run with `npm run bench -w @concord/metrics`.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Annotation, AnnotationTable } from '../src/index'
import {
  bootstrapAlpha,
  cohenKappa,
  compileTable,
  createRandom,
  gwetAC1,
  krippendorffAlpha,
  pairwiseAgreement,
} from '../src/index'

const ITEMS = 100_000
const ANNOTATORS = 10
const CATEGORIES = 5
const MISSING = 0.2
const BOOTSTRAP_ITEMS = 10_000
const REPLICATES = 1000
const SEED = 20240601
const RUNS = 5

const here = dirname(fileURLToPath(import.meta.url))
const reference = [
  process.env.CONCORD_REF_IAA,
  resolve(here, '../../../../shared/bench/ref_iaa.py'),
  resolve(here, '../../../shared/bench/ref_iaa.py'),
].find((p): p is string => p !== undefined && existsSync(p))
if (!reference) {
  console.error('ref_iaa.py not found (set CONCORD_REF_IAA to its path)')
  process.exit(2)
}

/** Seeded synthetic annotations: each item has a true category, each annotator an accuracy. */
function generate(items: number): Annotation[] {
  const random = createRandom(SEED)
  const accuracy = Array.from({ length: ANNOTATORS }, (_, a) => 0.55 + (0.4 * a) / ANNOTATORS)
  const out: Annotation[] = []
  for (let i = 0; i < items; i++) {
    const truth = 1 + random.nextInt(CATEGORIES)
    const item = `item${String(i).padStart(6, '0')}`
    for (let a = 0; a < ANNOTATORS; a++) {
      if (random.nextFloat() < MISSING) continue
      let value = truth
      if (random.nextFloat() > (accuracy[a] as number)) {
        // a confusion, mostly with a neighbouring category
        value =
          random.nextFloat() < 0.7
            ? truth + (random.nextInt(2) === 0 ? -1 : 1)
            : 1 + random.nextInt(CATEGORIES)
        value = Math.min(CATEGORIES, Math.max(1, value))
      }
      out.push({ item, annotator: `ann${String(a).padStart(2, '0')}`, value })
    }
  }
  return out
}

function writeCsv(path: string, annotations: readonly Annotation[]): void {
  const lines = ['item,annotator,value']
  for (const a of annotations) lines.push(`${a.item},${a.annotator},${a.value}`)
  writeFileSync(path, lines.join('\n') + '\n')
}

function best<T>(fn: () => T): { ms: number; value: T } {
  let value = fn() // warm-up (JIT)
  fn()
  let ms = Infinity
  for (let r = 0; r < RUNS; r++) {
    const t = performance.now()
    value = fn()
    ms = Math.min(ms, performance.now() - t)
  }
  return { ms, value }
}

function numpy(args: string[]): { ms: number; value: unknown } {
  const out = execFileSync('python3', [reference as string, ...args, '--repeat', String(RUNS)], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
  const parsed = JSON.parse(out) as { value: unknown; seconds: number }
  return { ms: parsed.seconds * 1000, value: parsed.value }
}

function delta(ours: unknown, theirs: unknown): number {
  if (Array.isArray(ours) && Array.isArray(theirs)) {
    return ours.reduce((m: number, x, i) => Math.max(m, delta(x, theirs[i])), 0)
  }
  const a = typeof ours === 'number' && !Number.isNaN(ours) ? ours : null
  const b = typeof theirs === 'number' ? theirs : null
  if (a === null && b === null) return 0
  if (a === null || b === null) return Infinity
  return Math.abs(a - b)
}

function matrix(m: Float64Array, size: number): (number | null)[][] {
  return Array.from({ length: size }, (_, a) =>
    Array.from({ length: size }, (_, b) => {
      const v = m[a * size + b] as number
      return Number.isNaN(v) ? null : v
    }),
  )
}

interface Row {
  name: string
  concord: () => unknown
  ref: string[]
  tolerance: number
  note?: string
}

const dir = mkdtempSync(join(tmpdir(), 'concord-bench-'))
try {
  const t0 = performance.now()
  const annotations = generate(ITEMS)
  const small = annotations.filter(
    (a) => a.item < `item${String(BOOTSTRAP_ITEMS).padStart(6, '0')}`,
  )
  const full = join(dir, 'annotations.csv')
  const part = join(dir, 'annotations-10k.csv')
  writeCsv(full, annotations)
  writeCsv(part, small)
  const generated = performance.now() - t0

  const compile = best(() => compileTable(annotations))
  const table: AnnotationTable = compile.value
  const smallTable = compileTable(small)
  const [a0, a1] = table.annotators as [string, string]

  console.log(
    `Data: ${ITEMS.toLocaleString('en')} items x ${ANNOTATORS} annotators = ${(ITEMS * ANNOTATORS).toLocaleString('en')} candidate annotations, ` +
      `${CATEGORIES} categories, ${MISSING * 100}% missing, seed ${SEED}: ${table.size.toLocaleString('en')} annotations ` +
      `(generated + CSV written in ${(generated / 1000).toFixed(1)} s to ${dir}).`,
  )
  console.log(
    `Concord compiles the table once in ${compile.ms.toFixed(1)} ms (not timed below, like the reference's CSV load and np.unique coding).`,
  )
  console.log(
    `Timings: best of ${RUNS} runs on both sides (Concord after 2 warm-up runs); Node ${process.version}.\n`,
  )

  const rows: Row[] = [
    {
      name: "Krippendorff's alpha, nominal",
      concord: () => krippendorffAlpha(table).value,
      ref: ['alpha', full, '--level', 'nominal'],
      tolerance: 1e-9,
    },
    {
      name: "Krippendorff's alpha, interval",
      concord: () => krippendorffAlpha(table, { level: 'interval' }).value,
      ref: ['alpha', full, '--level', 'interval'],
      tolerance: 1e-9,
    },
    {
      name: "Krippendorff's alpha, ordinal",
      concord: () => krippendorffAlpha(table, { level: 'ordinal' }).value,
      ref: ['alpha', full, '--level', 'ordinal'],
      tolerance: 1e-9,
    },
    {
      name: "Krippendorff's alpha, ratio",
      concord: () => krippendorffAlpha(table, { level: 'ratio' }).value,
      ref: ['alpha', full, '--level', 'ratio'],
      tolerance: 1e-9,
    },
    {
      name: "Gwet's AC1",
      concord: () => gwetAC1(table).value,
      ref: ['ac1', full],
      tolerance: 1e-9,
    },
    {
      name: "Cohen's kappa (first two annotators)",
      concord: () => cohenKappa(table, { pair: [a0, a1] }).value,
      ref: ['cohen', full],
      tolerance: 1e-9,
    },
    {
      name: 'Pairwise kappa matrix 10x10',
      concord: () => matrix(pairwiseAgreement(table).kappa, table.annotators.length),
      ref: ['pairwise_kappa', full],
      tolerance: 1e-9,
      note: 'max over cells',
    },
    {
      name: `Bootstrap alpha, ${REPLICATES} replicates, ${BOOTSTRAP_ITEMS.toLocaleString('en')} items`,
      concord: () => {
        const b = bootstrapAlpha(smallTable, { replicates: REPLICATES, seed: 0 })
        return [b.lower, b.upper]
      },
      ref: ['alpha_bootstrap', part, '--reps', String(REPLICATES), '--seed', '0'],
      tolerance: 0.01,
      note: '95% bounds; different random streams, so compared to 0.01',
    },
  ]

  const lines = [
    '| row | Concord ms | NumPy ms | ratio | abs(Δvalue) | value | check |',
    '| --- | ---: | ---: | ---: | ---: | --- | --- |',
  ]
  let failed = false
  for (const row of rows) {
    const ours = best(row.concord)
    const theirs = numpy(row.ref)
    const d = delta(ours.value, theirs.value)
    const ratio = ours.ms / theirs.ms
    const ok = d <= row.tolerance
    const fast = ratio <= 1
    if (!ok) failed = true
    const shown = Array.isArray(ours.value)
      ? Array.isArray(ours.value[0])
        ? `${table.annotators.length}x${table.annotators.length}`
        : `[${(ours.value as number[]).map((v) => v.toFixed(4)).join(', ')}]`
      : (ours.value as number).toFixed(6)
    const line = `| ${row.name} | ${ours.ms.toFixed(2)} | ${theirs.ms.toFixed(2)} | ${ratio.toFixed(3)}x | ${d.toExponential(1)}${row.note ? ` (${row.note})` : ''} | ${shown} | ${ok ? 'value ok' : 'VALUE MISMATCH'}${fast ? '' : ', SLOWER than NumPy'} |`
    lines.push(line)
    console.log(line.replace(/^\| /, '  ').replace(/ \|$/, ''))
  }
  console.log('\n' + lines.join('\n'))
  if (failed) process.exitCode = 1
} finally {
  rmSync(dir, { recursive: true, force: true })
}
