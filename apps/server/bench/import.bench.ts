// Import throughput: a 100,000-row CSV (id,text + 2 metadata columns) streamed from disk into
// `POST /api/projects/:id/items/import?format=csv` of a Concord server process.
//
//   npx tsx apps/server/bench/import.bench.ts [--rows 100000]
import { createReadStream, createWriteStream, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { finished } from 'node:stream/promises'
import { parseArgs } from 'node:util'
import SQLite from 'better-sqlite3'
import { adminApi } from './lib/concord-setup'
import { fmt, fmtInt, saveResults, table } from './lib/report'
import { applyNice, isMain, procStats, startServer } from './lib/servers'

export interface ImportResult {
  rows: number
  fileMB: number
  seconds: number
  rowsPerS: number
  status: number
  response: string
  itemsStored: number
  rssBefore: number
  rssPeak: number
  rssAfter: number
  cpuS: number
  /** Rows whose text came back different from the CSV (quoting, commas, newlines). */
  textMismatch: string[]
  error?: string
}

const WORDS = (
  'the a model label annotator review item text data sample agree disagree token sentence ' +
  'positive negative neutral unclear spam ham news sport science politics weather review ' +
  'quick brown fox jumps over lazy dog lorem ipsum dolor sit amet consectetur adipiscing elit'
).split(' ')

/** Rows whose text the bench reads back from SQLite: they carry commas, quotes, a newline. */
const CHECKED_ROWS = [0, 25, 100]

/**
 * Deterministic CSV: id,text,source,split; some texts carry commas, quotes and newlines. Returns
 * the file size in MB and the text of CHECKED_ROWS.
 */
export async function writeCsv(
  file: string,
  rows: number,
): Promise<{ fileMB: number; texts: Map<string, string> }> {
  const texts = new Map<string, string>()
  let seed = 42
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    return seed % n
  }
  const out = createWriteStream(file)
  const write = (s: string): Promise<void> | void => {
    if (!out.write(s)) return new Promise((r) => out.once('drain', () => r()))
  }
  await write('id,text,source,split\n')
  for (let i = 0; i < rows; i++) {
    const n = 12 + rand(20)
    const words: string[] = []
    for (let w = 0; w < n; w++) words.push(WORDS[rand(WORDS.length)]!)
    if (i % 10 === 0) words.splice(3, 0, 'with, a comma')
    if (i % 25 === 0) words.splice(5, 0, 'and "quotes"')
    if (i % 100 === 0) words.splice(7, 0, 'and a\nnewline')
    const plain = words.join(' ')
    if (CHECKED_ROWS.includes(i)) texts.set(`row-${i}`, plain)
    const text = `"${plain.replaceAll('"', '""')}"`
    const p = write(`row-${i},${text},src-${rand(50)},${i % 10 === 0 ? 'test' : 'train'}\n`)
    if (p) await p
  }
  out.end()
  await finished(out)
  return { fileMB: statSync(file).size / 2 ** 20, texts }
}

export async function importBench(opts: { rows?: number }): Promise<{
  result: ImportResult
  markdown: string
}> {
  const rows = opts.rows ?? 100_000
  const file = join(tmpdir(), `concord-import-bench-${process.pid}.csv`)
  const { fileMB, texts } = await writeCsv(file, rows)
  const server = await startServer('concord')
  const result: ImportResult = {
    rows,
    fileMB,
    seconds: NaN,
    rowsPerS: NaN,
    status: 0,
    response: '',
    itemsStored: NaN,
    rssBefore: NaN,
    rssPeak: NaN,
    rssAfter: NaN,
    cpuS: NaN,
    textMismatch: [],
  }
  try {
    const api = await adminApi(server)
    const project = await api.createProject({ id: 'imp', name: 'import bench', labels: ['a', 'b'] })
    const before = procStats(server.pid)
    result.rssBefore = before?.rssMB ?? NaN
    let peak = result.rssBefore
    const sampler = setInterval(() => {
      const s = procStats(server.pid)
      if (s && s.rssMB > peak) peak = s.rssMB
    }, 100)
    const t0 = performance.now()
    const res = await fetch(`${server.url}/api/projects/${project}/items/import?format=csv`, {
      method: 'POST',
      headers: { authorization: `Bearer ${api.token}`, 'content-type': 'text/csv' },
      body: Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>,
      duplex: 'half',
    } as RequestInit & { duplex: 'half' })
    result.response = (await res.text()).slice(0, 300)
    result.seconds = (performance.now() - t0) / 1000
    clearInterval(sampler)
    result.status = res.status
    const after = procStats(server.pid)
    result.rssPeak = Math.max(peak, after?.rssMB ?? 0)
    result.cpuS = (after?.cpuS ?? NaN) - (before?.cpuS ?? NaN)
    await new Promise((r) => setTimeout(r, 1000))
    result.rssAfter = procStats(server.pid)?.rssMB ?? NaN
    if (!res.ok) throw new Error(`import answered ${res.status}: ${result.response}`)
    result.rowsPerS = rows / result.seconds
    const db = new SQLite(join(server.dataDir!, 'concord.db'), { readonly: true })
    try {
      const row = db
        .prepare('select count(*) as n from items where project_id = ?')
        .get(project) as { n: number }
      result.itemsStored = row.n
      const read = db.prepare('select text from items where project_id = ? and external_id = ?')
      for (const [id, text] of texts) {
        const got = (read.get(project, id) as { text: string } | undefined)?.text
        if (got !== text) {
          result.textMismatch.push(
            `${id}: stored ${JSON.stringify(got)}, sent ${JSON.stringify(text)}`,
          )
        }
      }
    } finally {
      db.close()
    }
  } catch (err) {
    result.error = err instanceof Error ? err.message : String(err)
    console.log(`--- import: ${result.error}\n${server.output().split('\n').slice(-15).join('\n')}`)
  } finally {
    await server.stop()
    rmSync(file, { force: true })
  }
  const markdown = [
    `### Import, ${fmtInt(rows)} CSV rows (${fmt(fileMB)} MB) through POST /api/projects/:id/items/import?format=csv`,
    '',
    table(
      [
        'rows',
        'seconds',
        'rows/s',
        'items stored',
        'server RSS before MB',
        'peak MB',
        'after MB',
        'server CPU s',
        'HTTP',
      ],
      [
        [
          fmtInt(rows),
          fmt(result.seconds, 2),
          fmtInt(result.rowsPerS),
          result.itemsStored === rows
            ? fmtInt(result.itemsStored)
            : `${fmtInt(result.itemsStored)} (expected ${fmtInt(rows)})`,
          fmt(result.rssBefore, 0),
          fmt(result.rssPeak, 0),
          fmt(result.rssAfter, 0),
          fmt(result.cpuS, 2),
          result.error ? `${result.status} ERROR` : String(result.status),
        ],
      ],
    ),
    '',
    `Server RSS sampled every 100 ms from /proc; the texts of rows ${CHECKED_ROWS.join(', ')} (commas, quotes, a`,
    `newline) read back from SQLite: ${result.textMismatch.length === 0 ? 'identical' : 'DIFFERENT'}.`,
    ...result.textMismatch.map((m) => `  mismatch ${m}`),
    ...(result.error ? ['', `error: ${result.error}`] : []),
  ].join('\n')
  return { result, markdown }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { rows: { type: 'string', default: '100000' }, nice: { type: 'string' } },
  })
  applyNice(values.nice)
  const report = await importBench({ rows: Number(values.rows) })
  console.log(`\n${report.markdown}\n`)
  console.log(`results: ${saveResults('import', report.result)}`)
}

if (isMain(import.meta.url)) await main()
