// `concord agreement FILE.csv`: inter-annotator agreement of a CSV of (item, annotator, label)
// rows. The edge around @concord/metrics: it reads the file and the flags, the package computes.
import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import type { Annotation, Level, ReportMetric, Value } from '@concord/metrics'
import {
  LEVELS,
  MetricsInputError,
  REPORT_METRICS,
  annotationsFromCsv,
  buildReport,
  compileTable,
  formatReport,
  isNumber,
} from '@concord/metrics'

/** Where the command writes; the defaults are the process streams. */
export interface CommandIo {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
}

const processIo: CommandIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}

export const AGREEMENT_USAGE = `Usage: concord agreement FILE.csv [options]

Inter-annotator agreement of FILE.csv, a CSV file with a header row and the columns
item, annotator and label (or value); an optional at/time/timestamp column is allowed.
One row per judgement; a missing judgement is simply an absent row (or an empty label).

Options:
  --metric M        alpha | kappa | fleiss | ac1 | percent | all   (default: all)
  --level L         nominal | ordinal | interval | ratio          (default: nominal)
  --order a,b,c     category order (ordinal and weighted statistics; declares unused categories)
  --annotators x,y  only these annotators
  --replicates N    bootstrap replicates for alpha's 95% interval, 0 for none (default: 1000)
  --seed N          bootstrap seed (default: 0)
  --json            print the report as JSON (undefined values are null, with a reason)
  --help            show this help

Exit codes: 0 report printed, 2 bad input or options.
`

class UsageError extends Error {}

/**
 * Runs `concord agreement` with the arguments after the subcommand. Returns the exit code:
 * 0 when the report was printed, 2 for invalid input (a missing file or column, a bad label
 * or option), with the reason on stderr.
 */
export async function agreementCommand(argv: string[], io: CommandIo = processIo): Promise<number> {
  try {
    const { values, positionals } = parse(argv)
    if (values.help) {
      io.stdout(AGREEMENT_USAGE)
      return 0
    }
    if (positionals.length !== 1) {
      throw new UsageError(
        positionals.length === 0
          ? 'missing FILE.csv'
          : `expected one file, got ${positionals.length}`,
      )
    }
    const file = positionals[0] as string
    const metric = oneOf<ReportMetric>('--metric', values.metric ?? 'all', REPORT_METRICS)
    const level = oneOf<Level>('--level', values.level ?? 'nominal', LEVELS)
    const replicates = integer('--replicates', values.replicates ?? '1000')
    const seed = integer('--seed', values.seed ?? '0')
    const order = list(values.order)
    const annotatorList = list(values.annotators)

    let text: string
    try {
      text = await readFile(file, 'utf8')
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      throw new UsageError(
        code === 'ENOENT'
          ? `${file}: no such file`
          : `${file}: cannot read (${code ?? String(error)})`,
      )
    }
    const csv = annotationsFromCsv(text, { numeric: false })
    const labels = csv.annotations.map((a) => a.value as string)
    const numeric =
      labels.length > 0 && labels.every(isNumber) && (order ?? []).every((o) => isNumber(o))
    const annotations: Annotation[] = numeric
      ? csv.annotations.map((a) => ({ ...a, value: Number(a.value) }))
      : csv.annotations
    const categories: Value[] | undefined = order?.map((o) => (numeric ? Number(o) : o))

    // Checks that can name a line, before the metrics see the data.
    if (level === 'interval' || level === 'ratio') {
      const bad = labels.findIndex((l) => !isNumber(l))
      if (bad >= 0) {
        throw new UsageError(
          `${file}: line ${csv.lines[bad]}: label '${labels[bad]}' is not a number; --level ${level} needs numeric labels`,
        )
      }
      const negative = level === 'ratio' ? labels.findIndex((l) => Number(l) < 0) : -1
      if (negative >= 0) {
        throw new UsageError(
          `${file}: line ${csv.lines[negative]}: label '${labels[negative]}' is negative; --level ratio needs values >= 0`,
        )
      }
      if (order && !order.every((o) => isNumber(o))) {
        throw new UsageError(`--order must list numbers at --level ${level}`)
      }
    }
    if (categories) {
      const known = new Set<Value>(categories)
      const bad = annotations.findIndex((a) => !known.has(a.value))
      if (
        bad >= 0 &&
        (!annotatorList || annotatorList.includes(annotations[bad]?.annotator ?? ''))
      ) {
        throw new UsageError(
          `${file}: line ${csv.lines[bad]}: label '${labels[bad]}' is not in --order (${order?.join(', ')})`,
        )
      }
    }
    if (annotatorList) {
      const present = new Set(annotations.map((a) => a.annotator))
      const missing = annotatorList.filter((a) => !present.has(a))
      if (missing.length > 0) {
        throw new UsageError(
          `${file}: no rows for annotator${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
        )
      }
    }

    const table = compileTable(annotations, {
      ...(categories ? { categories } : {}),
      ...(annotatorList ? { annotators: annotatorList } : {}),
    })
    const report = buildReport(table, { metric, level, replicates, seed, source: file })
    io.stdout(values.json ? JSON.stringify(report, null, 2) + '\n' : formatReport(report))
    return 0
  } catch (error) {
    if (error instanceof UsageError || error instanceof MetricsInputError) {
      io.stderr(`concord agreement: ${error.message}\n`)
      if (
        error instanceof UsageError &&
        /^(missing FILE|expected one file|unknown option|--)/.test(error.message)
      ) {
        io.stderr(`Run 'concord agreement --help' for usage.\n`)
      }
      return 2
    }
    throw error
  }
}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        metric: { type: 'string' },
        level: { type: 'string' },
        order: { type: 'string' },
        annotators: { type: 'string' },
        replicates: { type: 'string' },
        seed: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    })
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/^Unknown option/, 'unknown option'))
  }
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, got '${value}'`)
  }
  return value as T
}

function integer(flag: string, value: string): number {
  if (!/^\d+$/.test(value))
    throw new UsageError(`${flag} must be a non-negative integer, got '${value}'`)
  return Number(value)
}

function list(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
  if (items.length === 0) throw new UsageError('an empty list was given')
  return items
}
