import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { WebsocketProvider } from 'y-websocket'
import { connectProvider, labelsView, waitFor, waitSynced } from './helpers/clients'
import { readAnnotations, readStoredDoc } from './helpers/disk'
import { createFixture, type Fixture } from './helpers/project-fixture'
import { startServerProcess, type ServerProcess } from './helpers/server-process'

let server: ServerProcess
let fx: Fixture

beforeAll(async () => {
  server = await startServerProcess()
  fx = await createFixture(server, { itemCount: 40 })
})
afterAll(async () => {
  await server?.stop()
})

async function converge(providers: WebsocketProvider[], view: (p: WebsocketProvider) => unknown) {
  await waitFor(() => {
    const first = JSON.stringify(view(providers[0]!))
    return providers.every((p) => JSON.stringify(view(p)) === first)
  }, 'all providers show the same state')
}

describe('official y-websocket clients converge through the server', () => {
  for (const n of [2, 10]) {
    it(`${n} clients on one labels document`, async () => {
      // A fresh annotator per case, so that each document starts empty.
      const annotator = fx.annotators[n === 2 ? 0 : 1]!
      const room = `labels/${fx.project}/${annotator.id}`
      // Several tabs of the same annotator: all may write this document.
      const providers = Array.from({ length: n }, () =>
        connectProvider(server.wsUrl, room, annotator.api.token),
      )
      await Promise.all(providers.map((p) => waitSynced(p)))
      providers.forEach((p, i) => {
        const item = fx.items[(i + n) % fx.items.length]!
        p.doc
          .getMap('labels')
          .set(item, { value: i % 2 ? 'pos' : 'neg', at: 1_700_000_000_000 + i })
      })
      await converge(providers, (p) => labelsView(p.doc))
      const state = labelsView(providers[0]!.doc)
      expect(Object.keys(state).length).toBe(Math.min(n, fx.items.length))
      for (const p of providers) p.destroy()

      // On disk: the log holds the same state, and the projection holds every label.
      await waitFor(
        () =>
          JSON.stringify(labelsView(readStoredDoc(server.dataDir, room))) === JSON.stringify(state),
        'stored labels document equals the converged state',
      )
      const rows = readAnnotations(server.dataDir, fx.project).filter(
        (r) => r.annotator_id === annotator.id,
      )
      const expected = Object.entries(state)
        .map(([item, e]) => ({ item_id: Number(item), value: (e as { value: string }).value }))
        .sort((a, b) => a.item_id - b.item_id)
      expect(rows.map((r) => ({ item_id: r.item_id, value: r.value }))).toEqual(
        expect.arrayContaining(expected),
      )
    })

    it(`${n} clients typing into the booklet at once`, async () => {
      const room = `booklet/${fx.project}`
      const editors = [fx.admin, fx.reviewer.api]
      const providers = Array.from({ length: n }, (_, i) =>
        connectProvider(server.wsUrl, room, editors[i % editors.length]!.token),
      )
      await Promise.all(providers.map((p) => waitSynced(p)))
      const before = providers[0]!.doc.getText(`section-${n}`).length
      // Everyone types at the same time, at the start of the same section.
      for (let round = 0; round < 5; round++) {
        providers.forEach((p, i) => p.doc.getText(`section-${n}`).insert(0, `[${i}.${round}]`))
        await new Promise((r) => setTimeout(r, 5))
      }
      await converge(providers, (p) => p.doc.getText(`section-${n}`).toString())
      const text = providers[0]!.doc.getText(`section-${n}`).toString()
      expect(text.length - before).toBe(
        providers.reduce(
          (sum, _, i) => sum + [0, 1, 2, 3, 4].map((r) => `[${i}.${r}]`).join('').length,
          0,
        ),
      )
      for (const p of providers) p.destroy()
      await waitFor(
        () => readStoredDoc(server.dataDir, room).getText(`section-${n}`).toString() === text,
        'stored booklet equals the converged text',
      )
    })
  }
})
