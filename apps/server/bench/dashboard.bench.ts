// Agreement dashboard and hotspots at scale (issue 5): 100,000 items x 5 annotators seeded in
// SQL in a temp data dir, requests through createHttpApp in-process (the full Hono stack:
// session check, role check, query parsing, JSON), timing
//   - the first response on a fresh server (nothing cached: the store loads 500,000 rows),
//   - the response after one new label (an INSERT of one annotations row), and after one
//     changed label (DELETE + INSERT, as the projection writes it).
//
//   npx tsx apps/server/bench/dashboard.bench.ts [--items 100000] [--annotators 5] [--repeat 5]
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { createRandom } from '@concord/metrics'
import { createSession } from '../src/auth/sessions'
import { systemClock } from '../src/clock'
import type { ServerContext } from '../src/context'
import { openDatabase, type OpenedDatabase } from '../src/db/open-database'
import { warmAgreement } from '../src/agreement/warm-up'
import { createHttpApp } from '../src/http/app'
import { createMemoryLogger } from '../src/logger'
import { resolveOptions } from '../src/options'
import { createMemoryDocWriter } from '../src/testing/memory-doc-writer'

const { values: args } = parseArgs({
  options: {
    items: { type: 'string', default: '100000' },
    annotators: { type: 'string', default: '5' },
    repeat: { type: 'string', default: '5' },
  },
})
const ITEMS = Number(args.items)
const ANNOTATORS = Number(args.annotators)
const REPEAT = Number(args.repeat)
const LABELS = ['a', 'b', 'c', 'd', 'e']
const PROJECT = 'bench'
const DAY = 86_400_000
const T0 = Date.UTC(2025, 0, 6)

const dataDir = mkdtempSync(join(tmpdir(), 'concord-dashboard-bench-'))
const options = resolveOptions({ dataDir, quiet: true, seedDemo: false }, {})

function seed(database: OpenedDatabase): { users: string[] } {
  const db = database.sqlite
  const now = Date.now()
  const users = ['admin', ...Array.from({ length: ANNOTATORS }, (_, i) => `ann${i}`)]
  const tx = db.transaction(() => {
    const user = db.prepare(
      'insert into users (id, username, display_name, password_hash, is_admin, created_at) values (?, ?, ?, ?, ?, ?)',
    )
    users.forEach((u, i) => user.run(u, u, u, 'x', i === 0 ? 1 : 0, now))
    db.prepare(
      'insert into projects (id, name, description, label_schema, overlap, blind, annotators_edit_booklet, created_at, updated_at) values (?, ?, ?, ?, ?, 1, 0, ?, ?)',
    ).run(
      PROJECT,
      'Bench',
      '',
      JSON.stringify({
        kind: 'single',
        ordered: false,
        labels: LABELS.map((id) => ({ id, name: id })),
      }),
      ANNOTATORS,
      now,
      now,
    )
    const member = db.prepare(
      'insert into members (project_id, user_id, role, created_at) values (?, ?, ?, ?)',
    )
    users.forEach((u, i) => member.run(PROJECT, u, i === 0 ? 'admin' : 'annotator', now))
    const item = db.prepare(
      'insert into items (id, project_id, external_id, text, metadata, label_count, created_at) values (?, ?, ?, ?, ?, ?, ?)',
    )
    const ann = db.prepare(
      'insert into annotations (project_id, item_id, annotator_id, value, unsure, note, updated_at) values (?, ?, ?, ?, ?, ?, ?)',
    )
    const random = createRandom(42)
    for (let i = 1; i <= ITEMS; i++) {
      item.run(i, PROJECT, `ext-${i}`, `text of item ${i}`, '{}', ANNOTATORS, now)
      const truth = random.nextInt(LABELS.length)
      for (let a = 0; a < ANNOTATORS; a++) {
        // Each annotator is right 60-80% of the time, else picks uniformly.
        const right = random.nextFloat() < 0.6 + 0.05 * a
        const value = right ? truth : random.nextInt(LABELS.length)
        const unsure = random.nextFloat() < 0.02 ? 1 : 0
        ann.run(
          PROJECT,
          i,
          `ann${a}`,
          LABELS[value],
          unsure,
          '',
          T0 + Math.floor(random.nextFloat() * 8 * 7 * DAY),
        )
      }
    }
    const flag = db.prepare(
      'insert into item_flags (project_id, item_id, user_id, note, created_at) values (?, ?, ?, ?, ?)',
    )
    for (let i = 1; i <= ITEMS; i += 200) flag.run(PROJECT, i, 'ann0', '', now)
    const adj = db.prepare(
      'insert into adjudications (project_id, item_id, label, rationale, decided_by, decided_at) values (?, ?, ?, ?, ?, ?)',
    )
    for (let i = 7; i <= ITEMS; i += 100) adj.run(PROJECT, i, 'a', '', 'admin', now)
  })
  tx()
  return { users }
}

async function serve(database: OpenedDatabase) {
  const ctx: ServerContext = {
    db: database.db,
    durable: database.durable,
    options,
    clock: systemClock,
    docs: createMemoryDocWriter(),
    log: createMemoryLogger(),
  }
  const app = createHttpApp(ctx)
  const { token } = await createSession(database.db, 'admin' as never, Date.now(), 3_600_000)
  const get = async (path: string) => {
    const t0 = performance.now()
    const res = await app.request(path, { headers: { authorization: `Bearer ${token}` } })
    const body = await res.text()
    const ms = performance.now() - t0
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${body.slice(0, 300)}`)
    return { ms, body }
  }
  return { get, ctx }
}

const AGREEMENT = `/api/projects/${PROJECT}/agreement`
const HOTSPOTS = `/api/projects/${PROJECT}/hotspots?limit=20`
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] as number

async function main() {
  const t0 = performance.now()
  const seedDb = await openDatabase(options.dbFile)
  seed(seedDb)
  await seedDb.close()
  console.log(
    `seeded ${ITEMS.toLocaleString()} items x ${ANNOTATORS} annotators (${(ITEMS * ANNOTATORS).toLocaleString()} labels) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  )
  const rows: [string, string, number, string][] = []

  // First responses, each on a freshly opened database (empty caches).
  for (const [name, order] of [
    ['agreement first', [AGREEMENT, HOTSPOTS]],
    ['hotspots first', [HOTSPOTS, AGREEMENT]],
  ] as const) {
    const database = await openDatabase(options.dbFile)
    const { get } = await serve(database)
    const first = await get(order[0])
    const second = await get(order[1])
    const again = await get(order[0])
    rows.push([
      `${name}: GET ${order[0] === AGREEMENT ? 'agreement' : 'hotspots'} (cold: load + compute)`,
      'first',
      first.ms,
      '< 500',
    ])
    rows.push([
      `${name}: GET ${order[1] === AGREEMENT ? 'agreement' : 'hotspots'} (store warm)`,
      'first',
      second.ms,
      '< 500',
    ])
    rows.push([
      `${name}: GET ${order[0] === AGREEMENT ? 'agreement' : 'hotspots'} unchanged (memo)`,
      'repeat',
      again.ms,
      '',
    ])
    if (name === 'agreement first') {
      // Intervals of large projects arrive after the first response (ciReason 'computing').
      const r = JSON.parse(first.body)
      const ci = JSON.parse(again.body).overall.alpha
      const fmt = (x: number | null) => (x === null ? 'null' : x.toFixed(4))
      console.log(
        `alpha ${r.overall.alpha.value.toFixed(4)} [first: ${fmt(r.overall.alpha.low)}, ${fmt(r.overall.alpha.high)} ${r.overall.alpha.ciReason ?? ''}; later: ${fmt(ci.low)}, ${fmt(ci.high)}], fleiss ${r.overall.kappa.value.toFixed(4)}, ac1 ${r.overall.ac1.value.toFixed(4)}, percent ${r.overall.percent.value.toFixed(4)}; ${r.weekly.length} weeks; response ${(first.body.length / 1024).toFixed(1)} KiB`,
      )
    }
    await database.close()
  }

  // What a reviewer meets on a running server: startServer warms the caches in the background
  // right after it listens (warmAgreement), then the first request arrives.
  {
    const database = await openDatabase(options.dbFile)
    const { get, ctx } = await serve(database)
    const w0 = performance.now()
    await warmAgreement(ctx)
    const warmMs = performance.now() - w0
    const a = await get(AGREEMENT)
    const h = await get(HOTSPOTS)
    rows.push(['server start-up: warm-up in the background (no request waits)', 'once', warmMs, ''])
    rows.push(['server start-up: first GET agreement after warm-up', 'first', a.ms, '< 500'])
    rows.push(['server start-up: first GET hotspots after warm-up', 'first', h.ms, '< 500'])
    await database.close()
  }

  // Updates: one new label, then one changed label, each followed by both endpoints.
  const database = await openDatabase(options.dbFile)
  const { get } = await serve(database)
  await get(AGREEMENT)
  await get(HOTSPOTS)
  const insert = database.sqlite.prepare(
    'insert into annotations (project_id, item_id, annotator_id, value, unsure, note, updated_at) values (?, ?, ?, ?, 0, ?, ?)',
  )
  const del = database.sqlite.prepare(
    'delete from annotations where item_id = ? and annotator_id = ?',
  )
  const times: Record<string, number[]> = {
    'new label: GET agreement': [],
    'new label: GET hotspots': [],
    'changed label: GET agreement': [],
    'changed label: GET hotspots': [],
  }
  const random = createRandom(7)
  const late = 'admin' // a sixth rater, so each insert is a genuinely new (item, annotator) label
  for (let r = 0; r < REPEAT; r++) {
    const item = 1 + random.nextInt(ITEMS)
    insert.run(PROJECT, item, late, LABELS[random.nextInt(LABELS.length)], '', Date.now())
    times['new label: GET agreement']!.push((await get(AGREEMENT)).ms)
    times['new label: GET hotspots']!.push((await get(HOTSPOTS)).ms)
    database.sqlite.transaction(() => {
      del.run(item, late)
      insert.run(PROJECT, item, late, LABELS[random.nextInt(LABELS.length)], '', Date.now())
    })()
    times['changed label: GET agreement']!.push((await get(AGREEMENT)).ms)
    times['changed label: GET hotspots']!.push((await get(HOTSPOTS)).ms)
  }
  for (const [name, xs] of Object.entries(times)) {
    rows.push([`${name} (median of ${xs.length})`, 'update', median(xs), '< 100'])
    rows.push([`${name} (max of ${xs.length})`, 'update', Math.max(...xs), '< 100'])
  }
  await database.close()

  console.log('')
  console.log('| request | kind | ms | target |')
  console.log('| --- | --- | ---: | --- |')
  for (const [name, kind, ms, target] of rows)
    console.log(`| ${name} | ${kind} | ${ms.toFixed(1)} | ${target} |`)
  rmSync(dataDir, { recursive: true, force: true })
}

main().catch((err) => {
  console.error(err)
  rmSync(dataDir, { recursive: true, force: true })
  process.exit(1)
})
