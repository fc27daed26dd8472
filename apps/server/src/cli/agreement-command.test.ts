import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { agreementCommand } from './agreement-command'

// Krippendorff (2011) reliability data with missing values: 4 observers, 12 units; published
// alpha: nominal 0.743, ordinal 0.815, interval 0.849, ratio 0.797.
const krippendorff2011 = [
  [1, 1, null, 1],
  [2, 2, 3, 2],
  [3, 3, 3, 3],
  [3, 3, 3, 3],
  [2, 2, 2, 2],
  [1, 2, 3, 4],
  [4, 4, 4, 4],
  [1, 1, 2, 1],
  [2, 2, 2, 2],
  [null, 5, 5, 5],
  [null, null, 1, 1],
  [null, null, 3, null],
]

const dir = mkdtempSync(join(tmpdir(), 'concord-agreement-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function csvFile(name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

const reliability = csvFile(
  'reliability.csv',
  'item,annotator,label\n' +
    krippendorff2011
      .flatMap((row, i) => row.map((v, j) => (v === null ? null : `u${i + 1},${'ABCD'[j]},${v}`)))
      .filter((line) => line !== null)
      .join('\n') +
    '\n',
)

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const code = await agreementCommand(argv, {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
  })
  return { code, out, err }
}

describe('concord agreement', () => {
  it('prints a readable report with every statistic by default', async () => {
    const { code, out, err } = await run([reliability, '--replicates', '200'])
    expect(err).toBe('')
    expect(code).toBe(0)
    expect(out).toContain(`Agreement for ${reliability}`)
    expect(out).toContain('12 items, 4 annotators, 41 annotations, 5 categories')
    expect(out).toMatch(/Krippendorff's alpha \(nominal\)\s+0\.7434/)
    expect(out).toMatch(/Gwet's AC1\s+0\.7754/)
    expect(out).toContain('Pairwise agreement')
    expect(out).toContain('Per annotator')
  })

  it.each([
    ['nominal', 0.743],
    ['ordinal', 0.815],
    ['interval', 0.849],
    ['ratio', 0.797],
  ])('--json --metric alpha --level %s gives the published %f', async (level, published) => {
    const { code, out } = await run([
      reliability,
      '--json',
      '--metric',
      'alpha',
      '--level',
      level,
      '--replicates',
      '0',
    ])
    expect(code).toBe(0)
    const report = JSON.parse(out) as {
      level: string
      coefficients: {
        name: string
        value: number
        counts: { items: number; pairableValues: number }
      }[]
    }
    expect(report.level).toBe(level)
    expect(report.coefficients).toHaveLength(1)
    expect(report.coefficients[0]?.value).toBeCloseTo(published, 3)
    expect(report.coefficients[0]?.counts).toMatchObject({ items: 11, pairableValues: 40 })
  })

  it('--annotators restricts the table; two annotators get Cohen and Scott', async () => {
    const { code, out } = await run([
      reliability,
      '--json',
      '--metric',
      'kappa',
      '--annotators',
      'B,D',
    ])
    expect(code).toBe(0)
    const report = JSON.parse(out) as {
      annotators: string[]
      coefficients: { name: string; value: number }[]
    }
    expect(report.annotators).toEqual(['B', 'D'])
    expect(report.coefficients.map((c) => c.name)).toEqual(["Cohen's kappa", "Scott's pi"])
    // Pair B-D over its 10 shared items (see the pairwise table): kappa 0.8701.
    expect(report.coefficients[0]?.value).toBeCloseTo(0.87013, 5)
  })

  it('--order sets the category order and declares unused categories; strings stay strings', async () => {
    const file = csvFile(
      'words.csv',
      'annotator,item,label\na,1,low\nb,1,mid\na,2,high\nb,2,high\n',
    )
    const { code, out } = await run([
      file,
      '--json',
      '--metric',
      'alpha',
      '--level',
      'ordinal',
      '--order',
      'low,mid,high,extreme',
    ])
    expect(code).toBe(0)
    const report = JSON.parse(out) as { categories: string[] }
    expect(report.categories).toEqual(['low', 'mid', 'high', 'extreme'])
  })

  it('prints undefined statistics as NaN with the reason, and null in JSON', async () => {
    const file = csvFile('same.csv', 'item,annotator,label\n1,a,x\n1,b,x\n')
    const text = await run([file, '--metric', 'alpha'])
    expect(text.code).toBe(0)
    expect(text.out).toMatch(/NaN.*expected disagreement is zero/)
    const json = await run([file, '--metric', 'alpha', '--json'])
    expect(
      (JSON.parse(json.out) as { coefficients: { value: null }[] }).coefficients[0]?.value,
    ).toBeNull()
  })

  it('--help prints the usage and exits 0', async () => {
    const { code, out } = await run(['--help'])
    expect(code).toBe(0)
    expect(out).toContain('Usage: concord agreement FILE.csv')
  })

  it.each([
    {
      name: 'a missing file',
      argv: () => [join(dir, 'nope.csv')],
      message: /nope\.csv: no such file/,
    },
    { name: 'no file', argv: () => [], message: /missing FILE\.csv/ },
    {
      name: 'a missing column',
      argv: () => [csvFile('cols.csv', 'item,rater,label\n1,a,x\n')],
      message: /line 1: missing column annotator/,
    },
    {
      name: 'a short row',
      argv: () => [csvFile('short.csv', 'item,annotator,label\n1,a,x\n2,b\n')],
      message: /line 3: expected at least 3 fields/,
    },
    {
      name: 'a duplicate judgement',
      argv: () => [csvFile('dup.csv', 'item,annotator,label\n1,a,x\n1,a,y\n')],
      message: /line 3: annotator 'a' already labelled item '1' on line 2/,
    },
    {
      name: 'a word at the interval level',
      argv: () => [
        csvFile('mixed.csv', 'item,annotator,label\n1,a,3\n1,b,three\n'),
        '--level',
        'interval',
      ],
      message: /line 3: label 'three' is not a number; --level interval/,
    },
    {
      name: 'a negative value at the ratio level',
      argv: () => [csvFile('neg.csv', 'item,annotator,label\n1,a,3\n1,b,-2\n'), '--level', 'ratio'],
      message: /line 3: label '-2' is negative/,
    },
    {
      name: 'a label outside --order',
      argv: () => [reliability, '--order', '1,2,3'],
      message: /line 2\d: label '4' is not in --order \(1, 2, 3\)/,
    },
    {
      name: 'an unknown annotator',
      argv: () => [reliability, '--annotators', 'A,Z'],
      message: /no rows for annotator Z/,
    },
    {
      name: 'an unknown metric',
      argv: () => [reliability, '--metric', 'tau'],
      message: /--metric must be one of alpha, kappa, fleiss, ac1, percent, all, got 'tau'/,
    },
    {
      name: 'an unknown level',
      argv: () => [reliability, '--level', 'cardinal'],
      message: /--level must be one of/,
    },
    {
      name: 'an unknown option',
      argv: () => [reliability, '--colour'],
      message: /unknown option '--colour'/,
    },
    {
      name: 'a bad replicate count',
      argv: () => [reliability, '--replicates', 'many'],
      message: /--replicates must be a non-negative integer/,
    },
  ])('exits 2 with a clear message on stderr for $name', async ({ argv, message }) => {
    const { code, out, err } = await run(argv())
    expect(code).toBe(2)
    expect(out).toBe('')
    expect(err).toMatch(/^concord agreement: /)
    expect(err).toMatch(message)
  })
})
