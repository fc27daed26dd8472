import * as decoding from 'lib0/decoding'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { connectProvider, waitFor, waitSynced } from './helpers/clients'
import { readAnnotations, readStoredDoc } from './helpers/disk'
import { createFixture, type Fixture } from './helpers/project-fixture'
import { startServerProcess, type ServerProcess } from './helpers/server-process'

let server: ServerProcess
let fx: Fixture

beforeAll(async () => {
  server = await startServerProcess({ env: { CONCORD_TEST_VERBOSE: '1' } })
  fx = await createFixture(server, { itemCount: 4 })
})
afterAll(async () => {
  await server?.stop()
})

it('labels are projected; a value outside the schema is kept out, logged and reported to its writer', async () => {
  const annotator = fx.annotators[0]!
  const room = `labels/${fx.project}/${annotator.id}`
  const provider = connectProvider(server.wsUrl, room, annotator.api.token)
  const notices: Array<{ level: string; message: string }> = []
  // Concord's notice message (type 100): the official client accepts extra handlers.
  provider.messageHandlers[100] = (_enc, decoder: decoding.Decoder) => {
    notices.push(JSON.parse(decoding.readVarString(decoder)) as { level: string; message: string })
  }
  await waitSynced(provider)
  const [i0, i1, i2] = fx.items
  const labels = provider.doc.getMap('labels')
  labels.set(i0!, { value: 'pos', at: 1 })
  labels.set(i1!, { value: 'banana', at: 2 })
  labels.set('999999', { value: 'pos', at: 3 })
  labels.set(i2!, { value: 'neg', unsure: true, note: 'hard one', at: 4 })

  await waitFor(() => notices.length >= 2, 'two notices')
  expect(notices.map((n) => n.message).join('\n')).toMatch(/'banana' is not a label/)
  expect(notices.map((n) => n.message).join('\n')).toMatch(/999999/)
  const rows = readAnnotations(server.dataDir, fx.project)
  expect(rows.map((r) => [String(r.item_id), r.value])).toEqual([
    [i0, 'pos'],
    [i2, 'neg'],
  ])
  // The document itself keeps what the annotator wrote (it is theirs); only the projection filters.
  expect(readStoredDoc(server.dataDir, room).getMap('labels').size).toBe(4)
  expect(server.output()).toMatch(/label kept out of the projection/)

  // Correcting the value brings it into the projection; deleting removes it.
  labels.set(i1!, { value: 'neutral', at: 5 })
  labels.delete(i0!)
  await waitFor(() => {
    const now = readAnnotations(server.dataDir, fx.project).map((r) => [String(r.item_id), r.value])
    return (
      JSON.stringify(now) ===
      JSON.stringify([
        [i1, 'neutral'],
        [i2, 'neg'],
      ])
    )
  }, 'projection follows corrections and deletions')
  provider.destroy()
})
