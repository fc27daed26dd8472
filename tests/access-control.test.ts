import * as encoding from 'lib0/encoding'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import { connectProvider, labelsView, waitFor, waitSynced } from './helpers/clients'
import { readStoredDoc } from './helpers/disk'
import { createFixture, openLabelsRoom, type Fixture } from './helpers/project-fixture'
import { openRaw } from './helpers/raw-socket'
import { startServerProcess, type ServerProcess } from './helpers/server-process'

let server: ServerProcess
let fx: Fixture

beforeAll(async () => {
  server = await startServerProcess()
  fx = await createFixture(server, { itemCount: 5, blind: true })
})
afterAll(async () => {
  await server?.stop()
})

const roomUrl = (room: string, token: string) =>
  `${server.wsUrl}/${room}?token=${encodeURIComponent(token)}`

describe('rooms check rights before any document byte is sent', () => {
  it('refuses a wrong token with 4401 and no data', async () => {
    const { closed } = openRaw(roomUrl(`booklet/${fx.project}`, 'not-a-token'))
    const result = await closed
    expect(result.closeCode).toBe(4401)
    expect(result.messages).toHaveLength(0)
  })

  it('refuses a missing token with 4401', async () => {
    const { closed } = openRaw(`${server.wsUrl}/booklet/${fx.project}`)
    expect((await closed).closeCode).toBe(4401)
  })

  it("in blind mode an annotator cannot open another annotator's labels (4403, no data)", async () => {
    const [a, b] = fx.annotators
    const { closed } = openRaw(roomUrl(`labels/${fx.project}/${a!.id}`, b!.api.token))
    const result = await closed
    expect(result.closeCode).toBe(4403)
    expect(result.messages).toHaveLength(0)
  })

  it('a non-member is refused and an unknown room is 4404', async () => {
    const outsider = await fx.admin.createUser('outsider')
    expect(
      (await openRaw(roomUrl(`booklet/${fx.project}`, outsider.api.token)).closed).closeCode,
    ).toBe(4403)
    expect((await openRaw(roomUrl('nonsense/room', fx.admin.token)).closed).closeCode).toBe(4404)
    expect(
      (await openRaw(roomUrl('booklet/no_such_project', fx.admin.token)).closed).closeCode,
    ).toBe(4404)
  })

  it('a reviewer reads an annotator labels document but cannot write it', async () => {
    const { room, owner, reviewer } = await openLabelsRoom(server, fx)
    owner.doc.getMap('labels').set(fx.items[0]!, { value: 'pos', at: 1 })
    await waitFor(() => labelsView(reviewer.doc)[fx.items[0]!] !== undefined, 'reviewer reads')
    // The reviewer's write is refused: never applied, never broadcast, never stored.
    reviewer.doc.getMap('labels').set(fx.items[1]!, { value: 'neg', at: 2 })
    await new Promise((r) => setTimeout(r, 500))
    expect(labelsView(owner.doc)[fx.items[1]!]).toBeUndefined()
    expect(labelsView(readStoredDoc(server.dataDir, room))[fx.items[1]!]).toBeUndefined()
    owner.destroy()
    reviewer.destroy()
  })

  it('an annotator cannot write the booklet when the project says so', async () => {
    const room = `booklet/${fx.project}`
    const editor = connectProvider(server.wsUrl, room, fx.reviewer.api.token)
    await waitSynced(editor)
    editor.doc.getText('intro').insert(0, 'Rules. ')
    await waitFor(
      () => readStoredDoc(server.dataDir, room).getText('intro').toString() === 'Rules. ',
      'reviewer edit stored',
    )
    // A raw annotator peer sends a real update: it must be refused with a permission message.
    const annotator = fx.annotators[1]!
    const raw = openRaw(roomUrl(room, annotator.api.token))
    await raw.opened
    const rogue = new Y.Doc()
    rogue.getText('intro').insert(0, 'HACKED ')
    const e = encoding.createEncoder()
    encoding.writeVarUint(e, 0)
    syncProtocol.writeUpdate(e, Y.encodeStateAsUpdate(rogue))
    raw.ws.send(encoding.toUint8Array(e))
    await waitFor(() => raw.result.messages.some((m) => m[0] === 2), 'permission-denied message')
    await new Promise((r) => setTimeout(r, 300))
    expect(editor.doc.getText('intro').toString()).toBe('Rules. ')
    expect(readStoredDoc(server.dataDir, room).getText('intro').toString()).toBe('Rules. ')
    raw.ws.close()
    editor.destroy()
  })
})
