// `npm run bench -w @concord/server`: the three server benchmarks of issue 2 in sequence, then
// every table again in one place. Options are passed through to the sync bench:
//   npm run bench -w @concord/server -- --quick --runs 1doc,burst --repeat 1
//   npm run bench -w @concord/server -- --only sync|import|memory[,…]
import { parseArgs } from 'node:util'
import { importBench } from './import.bench'
import { waitForQuiet } from './lib/host'
import { prepareLoadScript } from './lib/load'
import { saveResults } from './lib/report'
import { applyNice, benchNice } from './lib/servers'
import { memory } from './memory.bench'
import { syncLoad } from './sync-load.bench'

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    runs: { type: 'string' },
    quick: { type: 'boolean', default: false },
    repeat: { type: 'string' },
    strict: { type: 'boolean', default: false },
    cold: { type: 'boolean', default: false },
    nice: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
})
if (values.help) {
  console.log(
    'run-all.ts [--only sync,import,memory] [--runs NAMES] [--quick] [--repeat N]\n' +
      '           [--strict] [--nice N] [--cold]\n' +
      'Defaults: all three benches, 3 repeats of every sync run (1 with --quick).',
  )
  process.exit(0)
}
const only = new Set((values.only ?? 'sync,import,memory').split(','))
const started = Date.now()
const sections: string[] = []
const saved: Record<string, unknown> = {}
let pass = true

applyNice(values.nice)
prepareLoadScript() // fail early if ../shared/bench/yjs-load is missing
if (only.has('sync')) {
  console.log('## sync load')
  const report = await syncLoad({
    runs: values.runs?.split(',').filter(Boolean),
    quick: values.quick,
    repeat: Number(values.repeat ?? (values.quick ? 1 : 3)),
    warmup: !values.cold,
  })
  console.log(`\n${report.markdown}\n`)
  sections.push(report.markdown)
  saved.sync = { results: report.results, raw: report.raw }
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
const minutes = ((Date.now() - started) / 60_000).toFixed(1)
console.log(`\n# Concord server benchmarks (${new Date().toISOString()}, ${minutes} min)\n`)
console.log(sections.join('\n\n'))
console.log(`\nresults: ${saveResults('all', saved)}`)
if (values.strict && !pass) process.exitCode = 1
