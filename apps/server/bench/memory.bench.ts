// Server memory with 1,000 documents loaded, and after their clients have gone: Concord (short
// idle unload) against the reference y-websocket server, which keeps every document for ever,
// and Hocuspocus, which unloads a document when its last connection closes.
//
//   npx tsx apps/server/bench/memory.bench.ts [--docs 1000] [--entries 20] [--servers …]
//
// Each server runs with lib/probe.mjs preloaded (--expose-gc + IPC), so besides VmRSS the bench
// reports the V8 heap after a forced full GC: RSS rarely shrinks once the allocator holds the
// pages, the live heap shows whether documents were really released.
import { parseArgs } from 'node:util'
import { openClient, type BenchClient } from './lib/clients'
import { adminApi, createProjects } from './lib/concord-setup'
import { fmt, saveResults, sleep, table } from './lib/report'
import {
  applyNice,
  isConcord,
  isMain,
  parseServerKinds,
  procStats,
  SERVER_LABEL,
  startServer,
  type ServerKind,
} from './lib/servers'

const IDLE_UNLOAD_MS = 2000
const SERVERS: readonly ServerKind[] = ['concord', 'y-websocket', 'hocuspocus']

export interface MemoryResult {
  server: ServerKind
  docs: number
  error?: string
  /** VmRSS MB. */
  rssStart: number
  rssLoaded: number
  rssIdle: number
  /** VmRSS and V8 heapUsed MB right after a forced full GC. */
  rssStartGc: number
  heapStartGc: number
  rssLoadedGc: number
  heapLoadedGc: number
  rssIdleGc: number
  heapIdleGc: number
  /** Share of the heap that the loaded documents added that is gone once they idle. */
  released: number
  /** Documents reopened after idling that still held all their entries. */
  reopenedOk: number
  reopened: number
  loadSeconds: number
}

const MB = 2 ** 20
const rss = (pid: number): number => procStats(pid)?.rssMB ?? NaN

async function measureServer(
  kind: ServerKind,
  docs: number,
  entries: number,
  idleWaitMs: number,
): Promise<MemoryResult> {
  const server = await startServer(kind, {
    probe: true,
    env: { CONCORD_IDLE_UNLOAD_MS: String(IDLE_UNLOAD_MS) },
  })
  const result: MemoryResult = {
    server: kind,
    docs,
    rssStart: NaN,
    rssLoaded: NaN,
    rssIdle: NaN,
    rssStartGc: NaN,
    heapStartGc: NaN,
    rssLoadedGc: NaN,
    heapLoadedGc: NaN,
    rssIdleGc: NaN,
    heapIdleGc: NaN,
    released: NaN,
    reopenedOk: 0,
    reopened: 0,
    loadSeconds: NaN,
  }
  const clients: BenchClient[] = []
  try {
    let token: string | undefined
    if (isConcord(kind)) {
      const api = await adminApi(server)
      await createProjects(api, 'm', docs)
      token = api.token
    }
    const room = (i: number): string => `booklet/m${i}`
    const gc = async (): Promise<{ rss: number; heap: number }> => {
      const mem = await server.probe('gc')
      await sleep(200)
      return { rss: rss(server.pid), heap: mem.heapUsed / MB }
    }
    await sleep(500)
    result.rssStart = rss(server.pid)
    const g0 = await gc()
    result.rssStartGc = g0.rss
    result.heapStartGc = g0.heap

    // Open the documents in waves of 100; each client writes `entries` map entries, one
    // transaction (one update) each, like an annotator clicking through a booklet.
    const t0 = Date.now()
    for (let start = 0; start < docs; start += 100) {
      const wave: BenchClient[] = []
      for (let i = start; i < Math.min(docs, start + 100); i++) {
        wave.push(openClient(kind, server.wsUrl, room(i), token))
      }
      await Promise.all(wave.map((c) => c.synced))
      for (const [k, c] of wave.entries()) {
        const map = c.doc.getMap('bench')
        for (let e = 0; e < entries; e++) map.set(`entry-${e}`, `doc ${start + k} entry ${e} ✓`)
      }
      clients.push(...wave)
    }
    await Promise.all(clients.map((c) => c.flushed()))
    result.loadSeconds = (Date.now() - t0) / 1000
    await sleep(3000) // let the server apply (and Concord persist) the last updates
    result.rssLoaded = rss(server.pid)
    const g1 = await gc()
    result.rssLoadedGc = g1.rss
    result.heapLoadedGc = g1.heap

    // Everyone leaves; wait for the idle unload and a few of V8's own GCs.
    for (const c of clients) c.destroy()
    clients.length = 0
    await sleep(idleWaitMs)
    result.rssIdle = rss(server.pid)
    const g2 = await gc()
    result.rssIdleGc = g2.rss
    result.heapIdleGc = g2.heap
    const added = result.heapLoadedGc - result.heapStartGc
    result.released = added > 0 ? (result.heapLoadedGc - result.heapIdleGc) / added : NaN

    // Nothing was lost: reopen a few documents (reloaded from SQLite for Concord).
    const sample = [0, 1, Math.floor(docs / 2), docs - 1].filter((i, k, a) => a.indexOf(i) === k)
    for (const i of sample) {
      const c = openClient(kind, server.wsUrl, room(i), token)
      try {
        await c.synced
        await sleep(100)
        result.reopened++
        if (c.doc.getMap('bench').size === entries) result.reopenedOk++
      } catch {
        result.reopened++
      } finally {
        c.destroy()
      }
    }
  } catch (err) {
    result.error = err instanceof Error ? err.message : String(err)
    console.log(
      `--- ${kind}: ${result.error}\n${server.output().split('\n').slice(-15).join('\n')}`,
    )
  } finally {
    for (const c of clients) c.destroy()
    await server.stop()
  }
  return result
}

export async function memory(opts: {
  docs?: number
  entries?: number
  servers?: readonly ServerKind[]
  idleWaitMs?: number
}): Promise<{ results: MemoryResult[]; markdown: string }> {
  process.setMaxListeners(0) // y-websocket adds a process 'exit' listener per provider
  const docs = opts.docs ?? 1000
  const entries = opts.entries ?? 20
  const results: MemoryResult[] = []
  for (const kind of opts.servers ?? SERVERS) {
    const r = await measureServer(kind, docs, entries, opts.idleWaitMs ?? IDLE_UNLOAD_MS + 10_000)
    console.log(
      `  ${kind.padEnd(12)} RSS ${fmt(r.rssStart, 0)} → ${fmt(r.rssLoaded, 0)} → ${fmt(r.rssIdle, 0)} MB; ` +
        `heap after GC ${fmt(r.heapStartGc)} → ${fmt(r.heapLoadedGc)} → ${fmt(r.heapIdleGc)} MB`,
    )
    results.push(r)
  }
  const rows = results.map((r) => [
    SERVER_LABEL[r.server],
    fmt(r.rssStart, 0),
    fmt(r.rssLoaded, 0),
    fmt(r.rssIdle, 0),
    `${fmt(r.heapStartGc)} / ${fmt(r.heapLoadedGc)} / ${fmt(r.heapIdleGc)}`,
    `${fmt(r.rssStartGc, 0)} / ${fmt(r.rssLoadedGc, 0)} / ${fmt(r.rssIdleGc, 0)}`,
    r.error
      ? `ERROR: ${r.error.slice(0, 80)}`
      : Number.isFinite(r.released)
        ? `${fmt(r.released * 100, 0)}%`
        : 'n/a',
    `${r.reopenedOk}/${r.reopened}`,
  ])
  const markdown = [
    `### Server memory, ${docs.toLocaleString('en-US')} documents × ${entries} map entries`,
    '',
    table(
      [
        'server',
        'RSS idle MB',
        `RSS ${docs} docs loaded MB`,
        `RSS ${Math.round((opts.idleWaitMs ?? IDLE_UNLOAD_MS + 10_000) / 1000)} s after clients left MB`,
        'heap after GC: start / loaded / after MB',
        'RSS after GC: start / loaded / after MB',
        'loaded heap released',
        'reopened docs intact',
      ],
      rows,
    ),
    '',
    'Heap figures are V8 heapUsed after a forced full GC (the server runs with --expose-gc and',
    'lib/probe.mjs). "Loaded" includes the open connections (one per document); "after" is measured',
    `${Math.round((opts.idleWaitMs ?? IDLE_UNLOAD_MS + 10_000) / 1000)} s after every client left ` +
      `(Concord's idle unload is set to ${IDLE_UNLOAD_MS} ms).`,
    '"Reopened docs intact": a new client on 4 of the documents after the idle period sees all',
    'its entries; Hocuspocus runs in memory without persistence, so a document it unloaded comes',
    'back empty.',
  ].join('\n')
  return { results, markdown }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      docs: { type: 'string', default: '1000' },
      entries: { type: 'string', default: '20' },
      servers: { type: 'string' },
      nice: { type: 'string' },
    },
  })
  applyNice(values.nice)
  const report = await memory({
    docs: Number(values.docs),
    entries: Number(values.entries),
    servers: parseServerKinds(values.servers),
  })
  console.log(`\n${report.markdown}\n`)
  console.log(`results: ${saveResults('memory', report.results)}`)
}

if (isMain(import.meta.url)) await main()
