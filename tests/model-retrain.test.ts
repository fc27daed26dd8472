import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { WebsocketProvider } from 'y-websocket'
import type * as Y from 'yjs'
import { Api } from './helpers/api'
import { connectProvider, waitFor, waitSynced } from './helpers/clients'
import { startServerProcess, type ServerProcess } from './helpers/server-process'

// Retraining is triggered by the growth of the consensus labels, runs in the model worker, and
// sync carries on meanwhile. The project is big enough (12,000 items) for the first training
// (built-in embeddings of every item, then training, then predictions) to take seconds, so that
// sync latency is measured while the worker is busy, with real y-websocket clients.

const ITEMS = 12_000
const TOPICS = {
  pos: 'great wonderful lovely excellent happy superb delightful brilliant enjoyable pleasant',
  neg: 'awful terrible horrible dreadful sad poor disappointing broken annoying unpleasant',
}
const FILLER = 'the a of to and in that it was for on with as at by this from or an be'.split(' ')

function itemText(i: number): string {
  const words = (i % 2 === 0 ? TOPICS.pos : TOPICS.neg).split(' ')
  const out: string[] = []
  let x = i * 2654435761
  for (let w = 0; w < 60; w++) {
    x = (x * 1103515245 + 12345) >>> 0
    out.push(w % 3 === 0 ? words[x % words.length]! : FILLER[x % FILLER.length]!)
  }
  return out.join(' ')
}

let server: ServerProcess
let admin: Api
let project: string
let itemIds: string[]
let annotator: { id: string; api: Api }
const providers: WebsocketProvider[] = []

beforeAll(async () => {
  server = await startServerProcess()
  admin = await Api.login(server.url, 'admin', 'admin-password')
  project = await admin.createProject({
    id: 'retrain',
    name: 'Retrain',
    labels: ['pos', 'neg'],
    overlap: 1,
    blind: true,
  })
  const rows = ['id,text']
  for (let i = 0; i < ITEMS; i++) rows.push(`t-${i},${itemText(i)}`)
  await admin.importItemsCsv(project, rows.join('\n') + '\n')
  const items = await admin.request<{ items: { id: string; externalId: string }[] }>(
    'GET',
    `/api/projects/${project}/items?limit=200`,
  )
  itemIds = items.items.map((i) => i.id)
  annotator = await admin.createUser('labeller')
  await admin.addMember(project, annotator.id, 'annotator')
}, 120_000)

afterAll(async () => {
  for (const p of providers) p.destroy()
  await server?.stop()
})

interface ModelsBody {
  models: { id: string; version: number; labelsCount: number }[]
  training: { state: string }
}
const modelsOf = () => admin.request<ModelsBody>('GET', `/api/projects/${project}/models`)

// 300 edits, 6 s: enough for a p95 that is not a few unlucky edits, and within the first training
// (embedding 12,000 texts, training, predicting), which takes about 2 s here when nobody edits
// and longer while they do, since model work then gives way to sync (YieldPolicy).
const EDITS = 300

/** Edit-to-peer latency of `count` booklet edits, one every 20 ms, between two real clients. */
async function latencies(writer: Y.Doc, reader: Y.Doc, count: number): Promise<number[]> {
  const text = reader.getText('probe')
  const seen = new Map<string, number>()
  const onChange = () => {
    for (const m of text.toString().matchAll(/<(\d+)>/g)) {
      if (!seen.has(m[1]!)) seen.set(m[1]!, performance.now())
    }
  }
  text.observe(onChange)
  const sent = new Map<string, number>()
  for (let i = 0; i < count; i++) {
    const tag = `${Date.now()}${i}`
    sent.set(tag, performance.now())
    writer.getText('probe').insert(0, `<${tag}>`)
    await new Promise((r) => setTimeout(r, 20))
  }
  await waitFor(() => seen.size >= count, 'every probe edit reached the other client', 30_000)
  text.unobserve(onChange)
  return [...sent].map(([tag, at]) => seen.get(tag)! - at).sort((a, b) => a - b)
}

const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))]!

describe('retraining on consensus growth', () => {
  it('50 new consensus labels trigger exactly one retrain; sync carries on while it trains', async () => {
    const booklet = `booklet/${project}`
    const a = connectProvider(server.wsUrl, booklet, admin.token)
    const b = connectProvider(server.wsUrl, booklet, admin.token)
    const labels = connectProvider(
      server.wsUrl,
      `labels/${project}/${annotator.id}`,
      annotator.api.token,
    )
    providers.push(a, b, labels)
    await Promise.all([waitSynced(a), waitSynced(b), waitSynced(labels)])

    const idle = await latencies(a.doc, b.doc, EDITS)
    expect((await modelsOf()).models).toHaveLength(0)

    // 49 labels: below the threshold of 50, nothing happens.
    const label = (i: number) =>
      labels.doc.getMap('labels').set(itemIds[i]!, {
        value: i % 2 === 0 ? 'pos' : 'neg',
        at: Date.now(),
      })
    for (let i = 0; i < 49; i++) label(i)
    await new Promise((r) => setTimeout(r, 2500))
    expect((await modelsOf()).training.state).toBe('idle')
    expect((await modelsOf()).models).toHaveLength(0)

    // The 50th label starts one training; measure sync while it runs.
    label(49)
    await waitFor(async () => (await modelsOf()).training.state === 'running', 'training starts')
    const during = await latencies(a.doc, b.doc, EDITS)
    const stillRunning = (await modelsOf()).training.state === 'running'
    await waitFor(
      async () => (await modelsOf()).models.length === 1,
      'the first model is stored',
      90_000,
    )
    await waitFor(async () => (await modelsOf()).training.state === 'idle', 'training ends')
    const first = (await modelsOf()).models
    expect(first.map((m) => [m.version, m.labelsCount])).toEqual([[1, 50]])

    // 49 more: still one model. One more after that: exactly one more.
    for (let i = 50; i < 99; i++) label(i)
    await new Promise((r) => setTimeout(r, 2500))
    expect((await modelsOf()).models).toHaveLength(1)
    label(99)
    await waitFor(async () => (await modelsOf()).models.length === 2, 'the second model', 90_000)
    await new Promise((r) => setTimeout(r, 2500))
    expect((await modelsOf()).models.map((m) => m.labelsCount)).toEqual([100, 50])

    const fmt = (xs: number[]) =>
      `p50 ${pct(xs, 0.5).toFixed(1)} ms, p95 ${pct(xs, 0.95).toFixed(1)} ms, max ${xs[xs.length - 1]!.toFixed(1)} ms`
    console.log(
      `sync latency, booklet edit to the other client, ${EDITS} edits each:\n` +
        `  idle:            ${fmt(idle)}\n` +
        `  during training: ${fmt(during)}${stillRunning ? '' : ' (training ended before the last edit)'}\n` +
        `  ratio p50 ${(pct(during, 0.5) / pct(idle, 0.5)).toFixed(2)}, p95 ${(pct(during, 0.95) / pct(idle, 0.95)).toFixed(2)}`,
    )
    expect(during).toHaveLength(EDITS)
  }, 240_000)
})
