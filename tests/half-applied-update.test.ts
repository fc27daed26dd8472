import * as encoding from 'lib0/encoding'
import { afterAll, beforeAll, expect, it } from 'vitest'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import { halfApplyingUpdate } from '../apps/server/src/testing/half-applying-update'
import { connectProvider, labelsView, waitFor, waitSynced } from './helpers/clients'
import { readAnnotations, readStoredDoc } from './helpers/disk'
import { createFixture, openLabelsRoom, type Fixture } from './helpers/project-fixture'
import { openRaw } from './helpers/raw-socket'
import { startServerProcess, type ServerProcess } from './helpers/server-process'

// An update that decodes cleanly but throws inside Y.applyUpdate after integrating part of
// itself changes nothing (SPEC.md rule 5): not the log, not `annotations`, not any peer.

let server: ServerProcess
let fx: Fixture

beforeAll(async () => {
  server = await startServerProcess()
  fx = await createFixture(server, { itemCount: 4, prefix: 'ha' })
})
afterAll(async () => {
  await server?.stop()
})

it('an update Yjs refuses half-way changes nothing; a valid one beside it lands', async () => {
  const { room, owner, reviewer } = await openLabelsRoom(server, fx)
  const annotator = fx.annotators[0]!
  const tab = connectProvider(server.wsUrl, room, annotator.api.token)
  const [item0, item1, item2, item3] = fx.items
  try {
    await waitSynced(tab)
    owner.doc.getMap('labels').set(item0!, { value: 'pos', at: 1 })
    await waitFor(() => readAnnotations(server.dataDir, fx.project).length === 1, 'first label')
    for (const peer of [tab, reviewer]) {
      await waitFor(() => labelsView(peer.doc)[item0!] !== undefined, 'every peer sees it')
    }
    const storedBefore = Y.encodeStateAsUpdate(readStoredDoc(server.dataDir, room))
    const rowsBefore = readAnnotations(server.dataDir, fx.project)

    const hostile = openRaw(`${server.wsUrl}/${room}?token=${annotator.api.token}`)
    await hostile.opened
    const e = encoding.createEncoder()
    encoding.writeVarUint(e, 0)
    syncProtocol.writeUpdate(
      e,
      halfApplyingUpdate({
        client: 31,
        root: 'labels',
        key: item2!,
        entry: { value: 'pos', at: 2 },
      }),
    )
    // The valid edit leaves with the hostile frame, so the server most likely reads both in one
    // turn (one group commit); the outcome must be the same if it does not.
    const valid = localEdit(tab.doc, () => {
      hostile.ws.send(encoding.toUint8Array(e))
      tab.doc.getMap('labels').set(item1!, { value: 'neg', at: 3 })
    })

    expect((await hostile.closed).closeCode).toBe(4400)
    await waitFor(
      () => labelsView(readStoredDoc(server.dataDir, room))[item1!] !== undefined,
      'valid edit stored',
    )
    // One more commit behind them: every commit that could carry the refused update is done.
    const last = localEdit(owner.doc, () =>
      owner.doc.getMap('labels').set(item3!, { value: 'neutral', at: 4 }),
    )
    await waitFor(
      () => readAnnotations(server.dataDir, fx.project).some((r) => r.item_id === Number(item3)),
      'last label',
    )

    const expected = new Y.Doc()
    Y.applyUpdate(expected, storedBefore)
    Y.applyUpdate(expected, valid)
    Y.applyUpdate(expected, last)
    const stored = readStoredDoc(server.dataDir, room)
    expect(labelsView(stored)).toEqual(labelsView(expected))
    expect(labelsView(stored)[item2!]).toBeUndefined()
    expect(Y.encodeStateVector(stored)).toEqual(Y.encodeStateVector(expected))
    expect(Y.decodeStateVector(Y.encodeStateVector(stored)).has(31)).toBe(false)
    expect(readAnnotations(server.dataDir, fx.project)).toEqual(
      [
        ...rowsBefore,
        { item_id: Number(item1), annotator_id: annotator.id, value: 'neg' },
        { item_id: Number(item3), annotator_id: annotator.id, value: 'neutral' },
      ].sort((a, b) => a.item_id - b.item_id),
    )
    // Every peer holds exactly what is stored.
    for (const peer of [owner, tab, reviewer]) {
      await waitFor(() => labelsView(peer.doc)[item3!] !== undefined, 'peer caught up')
      expect(labelsView(peer.doc)).toEqual(labelsView(stored))
      expect(Y.encodeStateVector(peer.doc)).toEqual(Y.encodeStateVector(stored))
    }
  } finally {
    tab.destroy()
    owner.destroy()
    reviewer.destroy()
  }
})

/** The update a local edit made in `doc`, told apart from those its provider receives meanwhile. */
function localEdit(doc: Y.Doc, edit: () => void): Uint8Array {
  const updates: Uint8Array[] = []
  const keep = (u: Uint8Array, origin: unknown): void => {
    if (origin === null) updates.push(u)
  }
  doc.on('update', keep)
  edit()
  doc.off('update', keep)
  expect(updates).toHaveLength(1)
  return updates[0]!
}
