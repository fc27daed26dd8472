// `npm run bench -w @concord/server`: the three server benchmarks of issue 2 in sequence, every
// table of theirs again in one place, then the dashboard and model benchmarks (own processes:
// they are scripts that run on import). Options reach the sync bench:
//   npm run bench -w @concord/server -- --quick --runs 1doc,burst --repeat 1
//   npm run bench -w @concord/server -- --only sync|import|memory|dashboard|models[,…]
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { importBench } from './import.bench'
import { waitForQuiet } from './lib/host'
import { prepareLoadScript } from './lib/load'
import { saveResults } from './lib/report'
import { applyNice, benchDir, benchNice, setBaselineDir } from './lib/servers'
import { memory } from './memory.bench'
import { savedSyncResults, syncLoad } from './sync-load.bench'

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    runs: { type: 'string' },
    quick: { type: 'boolean', default: false },
    repeat: { type: 'string' },
    strict: { type: 'boolean', default: false },
    cold: { type: 'boolean', default: false },
    nice: { type: 'string' },
    'baseline-dir': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
})
if (values.help) {
  console.log(
    'run-all.ts [--only sync,import,memory,dashboard,models] [--runs NAMES] [--quick]\n' +
      '           [--repeat N] [--strict] [--nice N] [--cold] [--baseline-dir DIR]\n' +
      'Defaults: all five, 3 repeats of every sync run (1 with --quick; --quick also runs the\n' +
      'dashboard on 20,000 items instead of 100,000).',
  )
  process.exit(0)
}
const SECTIONS = ['sync', 'import', 'memory', 'dashboard', 'models']
const only = new Set((values.only ?? SECTIONS.join(',')).split(',').filter(Boolean))
const unknownSections = [...only].filter((s) => !SECTIONS.includes(s))
if (unknownSections.length > 0) {
  console.error(`unknown --only ${unknownSections.join(', ')}; known: ${SECTIONS.join(', ')}`)
  process.exit(2)
}
const started = Date.now()
const sections: string[] = []
const saved: Record<string, unknown> = {}
let pass = true

applyNice(values.nice)
// The sync bench then also measures concord-baseline (sync-load.bench.ts --help).
if (values['baseline-dir'] !== undefined) setBaselineDir(values['baseline-dir'])
if (only.has('sync')) {
  prepareLoadScript() // fail before any measuring if ../shared/bench/yjs-load is missing
  console.log('## sync load')
  const report = await syncLoad({
    runs: values.runs?.split(',').filter(Boolean),
    quick: values.quick,
    repeat: Number(values.repeat ?? (values.quick ? 1 : 3)),
    warmup: !values.cold,
  })
  console.log(`\n${report.markdown}\n`)
  sections.push(report.markdown)
  saved.sync = savedSyncResults(report)
  pass &&= report.pass
}
if (only.has('import')) {
  console.log('## import')
  if (benchNice() >= 0) await waitForQuiet()
  const report = await importBench({ rows: values.quick ? 20_000 : 100_000 })
  console.log(`\n${report.markdown}\n`)
  sections.push(report.markdown)
  saved.import = report.result
}
if (only.has('memory')) {
  console.log('## memory')
  if (benchNice() >= 0) await waitForQuiet()
  const report = await memory({ docs: values.quick ? 200 : 1000 })
  console.log(`\n${report.markdown}\n`)
  sections.push(report.markdown)
  saved.memory = report.results
}
if (sections.length > 0) {
  const minutes = ((Date.now() - started) / 60_000).toFixed(1)
  console.log(`\n# Concord server benchmarks (${new Date().toISOString()}, ${minutes} min)\n`)
  console.log(sections.join('\n\n'))
  console.log(`\nresults: ${saveResults('all', saved)}`)
}

/** Runs a bench script that does its work on import, in its own process, output passed through. */
function runScript(file: string, args: readonly string[]): void {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(benchDir, file), ...args], {
    stdio: 'inherit',
  })
  if (r.status !== 0) {
    console.error(`${file} exited ${r.status ?? r.signal}`)
    process.exitCode = 1
  }
}
if (only.has('dashboard')) {
  console.log('\n## dashboard')
  runScript('dashboard.bench.ts', values.quick ? ['--items', '20000', '--repeat', '2'] : [])
}
if (only.has('models')) {
  console.log('\n## models')
  runScript('models.bench.ts', [])
}
if (values.strict && !pass) process.exitCode = 1
