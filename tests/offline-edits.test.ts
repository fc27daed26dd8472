import { afterAll, beforeAll, expect, it } from 'vitest'
import { labelsView, waitFor } from './helpers/clients'
import { readAnnotations, readStoredDoc } from './helpers/disk'
import { createFixture, openLabelsRoom, type Fixture } from './helpers/project-fixture'
import { startServerProcess, type ServerProcess } from './helpers/server-process'

let server: ServerProcess
let fx: Fixture

beforeAll(async () => {
  server = await startServerProcess()
  fx = await createFixture(server, { itemCount: 10 })
})
afterAll(async () => {
  await server?.stop()
})

it('edits made while disconnected arrive after reconnecting, and persist', async () => {
  const { room, owner: laptop, reviewer } = await openLabelsRoom(server, fx)

  laptop.disconnect()
  const offline = fx.items.slice(0, 5)
  offline.forEach((item, i) =>
    laptop.doc.getMap('labels').set(item, { value: i % 2 ? 'pos' : 'neg', at: 1 + i }),
  )
  await new Promise((r) => setTimeout(r, 300))
  expect(Object.keys(labelsView(reviewer.doc))).toHaveLength(0)

  laptop.connect()
  await waitFor(() => Object.keys(labelsView(reviewer.doc)).length === 5, 'reviewer sees 5 labels')
  expect(labelsView(reviewer.doc)).toEqual(labelsView(laptop.doc))
  laptop.destroy()
  reviewer.destroy()

  await waitFor(
    () => Object.keys(labelsView(readStoredDoc(server.dataDir, room))).length === 5,
    'five labels on disk',
  )
  const rows = readAnnotations(server.dataDir, fx.project)
  expect(rows.map((r) => String(r.item_id)).sort()).toEqual([...offline].sort())
})
