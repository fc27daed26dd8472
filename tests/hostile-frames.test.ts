import { createRandom } from '@concord/metrics'
import * as encoding from 'lib0/encoding'
import { afterAll, beforeAll, expect, it } from 'vitest'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import { connectProvider, waitFor, waitSynced } from './helpers/clients'
import { readAnnotations, readStoredDoc } from './helpers/disk'
import { createFixture, type Fixture } from './helpers/project-fixture'
import { openRaw, rawUpgrade, wsFrame, type FrameShape } from './helpers/raw-socket'
import { startServerProcess, type ServerProcess } from './helpers/server-process'

let server: ServerProcess
let fx: Fixture

beforeAll(async () => {
  server = await startServerProcess()
  fx = await createFixture(server, { itemCount: 5 })
})
afterAll(async () => {
  await server?.stop()
})

/** A seeded source of floats in [0, 1): every run replays the same schedule. */
function rng(seed: number): () => number {
  const random = createRandom(seed)
  return () => random.nextFloat()
}

function syncFrame(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 0)
  write(e)
  return encoding.toUint8Array(e)
}

/** Valid frames to mutate: step 1, label updates, text updates, awareness, query-awareness. */
function seedFrames(items: string[]): Uint8Array[] {
  const doc = new Y.Doc()
  const frames: Uint8Array[] = [syncFrame((e) => syncProtocol.writeSyncStep1(e, doc))]
  doc.on('update', (u: Uint8Array) => frames.push(syncFrame((e) => syncProtocol.writeUpdate(e, u))))
  items.forEach((item, i) => doc.getMap('labels').set(item, { value: 'pos', at: i }))
  doc.getText('intro').insert(0, 'hostile text')
  frames.push(syncFrame((e) => syncProtocol.writeSyncStep2(e, doc)))
  frames.push(Uint8Array.from([3]), Uint8Array.from([1, 1, 0]))
  return frames
}

function mutate(frame: Uint8Array, random: () => number): Uint8Array {
  const kind = Math.floor(random() * 6)
  const out = Uint8Array.from(frame)
  switch (kind) {
    case 0: // flip bytes
      for (let i = 0; i < 1 + random() * 4; i++) {
        const at = Math.floor(random() * out.length)
        out[at] = (out[at] ?? 0) ^ (1 << Math.floor(random() * 8))
      }
      return out
    case 1: // truncate
      return out.slice(0, Math.floor(random() * out.length))
    case 2: // trailing garbage
      return Uint8Array.from([
        ...out,
        ...Array.from({ length: 1 + random() * 20 }, () => Math.floor(random() * 256)),
      ])
    case 3: // huge varint lengths
      return Uint8Array.from([0, 2, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3])
    case 4: // unknown message type
      return Uint8Array.from([Math.floor(4 + random() * 90), ...out.slice(1)])
    default: // pure noise
      return Uint8Array.from({ length: Math.floor(random() * 64) }, () =>
        Math.floor(random() * 256),
      )
  }
}

/** Where a frame breaks the WebSocket framing itself: each is refused by the parser at once. */
const brokenShapes: FrameShape[] = [
  { masked: false },
  { opcode: 0x3 },
  { opcode: 0xb },
  { rsv: 4 },
  { rsv: 3 },
  { announcedLength: 1024 * 1024 + 1 },
]

it('1,000 random and mutated frames: server up, others keep syncing, document unchanged by them', async () => {
  const room = `booklet/${fx.project}`
  // A labels document that only read-only peers (its reviewer) and refused ones reach.
  const bystander = fx.annotators[1]!
  const bystanderRoom = `labels/${fx.project}/${bystander.id}`
  const owner = connectProvider(server.wsUrl, bystanderRoom, bystander.api.token)
  await waitSynced(owner)
  owner.doc.getMap('labels').set(fx.items[0]!, { value: 'neg', at: 1 })
  await waitFor(
    () => readAnnotations(server.dataDir, fx.project).some((r) => r.annotator_id === bystander.id),
    'bystander label stored',
  )
  owner.destroy()
  const bystanderBefore = Y.encodeStateAsUpdate(readStoredDoc(server.dataDir, bystanderRoom))
  const annotationsOf = (who: string) =>
    readAnnotations(server.dataDir, fx.project).filter((r) => r.annotator_id === who)
  const bystanderRows = annotationsOf(bystander.id)

  const a = connectProvider(server.wsUrl, room, fx.admin.token)
  const b = connectProvider(server.wsUrl, room, fx.reviewer.api.token)
  await Promise.all([waitSynced(a), waitSynced(b)])
  a.doc.getText('intro').insert(0, 'Before. ')
  await waitFor(() => b.doc.getText('intro').toString() === 'Before. ', 'b sees a')

  const random = rng(7)
  const frames = seedFrames(fx.items)
  const annotator = fx.annotators[0]!
  const targets = [
    // read-only on the shared booklet: nothing it sends may change it
    `${server.wsUrl}/${room}?token=${annotator.api.token}`,
    // the attacker's own labels document, which it may write: only valid updates may land
    `${server.wsUrl}/labels/${fx.project}/${annotator.id}?token=${annotator.api.token}`,
    // a reviewer reads another annotator's labels: nothing it sends may change them
    `${server.wsUrl}/${bystanderRoom}?token=${fx.reviewer.api.token}`,
  ]
  let closedByServer = 0
  for (let sent = 0; sent < 1000;) {
    const raw = openRaw(targets[sent % targets.length]!)
    await raw.opened
    while (sent < 1000 && raw.ws.readyState === raw.ws.OPEN) {
      const base = frames[Math.floor(random() * frames.length)]!
      raw.ws.send(random() < 0.15 ? base : mutate(base, random))
      sent++
      if (sent % 25 === 0) await new Promise((r) => setTimeout(r, 1))
    }
    raw.ws.close()
    const result = await raw.closed
    if (result.closeCode === 4400) closedByServer++
  }
  expect(closedByServer).toBeGreaterThan(10)

  // Refused sockets: the same frames (and some that break the framing itself) right behind the
  // upgrade request, which the server answers with a refusal.
  const refused = [
    { url: `${server.wsUrl}/${room}?token=not-a-session`, code: 4401 },
    // an annotator at another annotator's labels in a blind project
    { url: `${server.wsUrl}/${bystanderRoom}?token=${annotator.api.token}`, code: 4403 },
  ]
  const refusedWith: Array<string | number | undefined> = []
  for (let round = 0; round < 10; round++) {
    const sockets = Array.from({ length: 10 }, (_, i) => {
      const target = refused[i % refused.length]!
      const wire: Uint8Array[] = []
      for (let n = 1 + Math.floor(random() * 8); n > 0; n--) {
        const base = frames[Math.floor(random() * frames.length)]!
        const payload = random() < 0.15 ? base : mutate(base, random)
        const broken = random() < 0.2
        wire.push(
          wsFrame(payload, broken ? brokenShapes[Math.floor(random() * brokenShapes.length)] : {}),
        )
        if (broken) break
      }
      // A close frame ends a sequence the parser accepted, so the server ends the socket.
      wire.push(wsFrame(Uint8Array.from([0x03, 0xe8]), { opcode: 0x8 }))
      return rawUpgrade(target.url, Buffer.concat(wire), { waitMs: 5_000 }).then((r) => {
        expect(r.closedByServer).toBe(true)
        return r.closeCode === target.code ? 'refused as expected' : r.closeCode
      })
    })
    for (const outcome of await Promise.all(sockets)) refusedWith.push(outcome)
  }
  expect(refusedWith).toEqual(Array.from({ length: 100 }, () => 'refused as expected'))

  // Others keep syncing.
  b.doc.getText('intro').insert(0, 'After. ')
  await waitFor(
    () => a.doc.getText('intro').toString() === 'After. Before. ',
    'a sees b after attack',
  )
  // The shared document holds exactly what the legitimate peers wrote.
  await waitFor(
    () => readStoredDoc(server.dataDir, room).getText('intro').toString() === 'After. Before. ',
    'stored booklet',
  )
  const stored = readStoredDoc(server.dataDir, room)
  expect(Y.encodeStateVector(stored)).toEqual(Y.encodeStateVector(a.doc))
  // Nothing outside the schema entered the projection.
  for (const row of readAnnotations(server.dataDir, fx.project))
    expect(['pos', 'neg', 'neutral']).toContain(row.value)
  // Read-only and refused peers changed nothing of the labels document they reached.
  expect(Y.encodeStateAsUpdate(readStoredDoc(server.dataDir, bystanderRoom))).toEqual(
    bystanderBefore,
  )
  expect(annotationsOf(bystander.id)).toEqual(bystanderRows)
  const health = await fetch(`${server.url}/api/health`)
  expect(health.status).toBe(200)
  a.destroy()
  b.destroy()
})

it('a frame over the size limit closes that socket with 1009; others carry on', async () => {
  const raw = openRaw(`${server.wsUrl}/booklet/${fx.project}?token=${fx.admin.token}`)
  await raw.opened
  raw.ws.send(new Uint8Array(2 * 1024 * 1024))
  expect((await raw.closed).closeCode).toBe(1009)
  const ok = connectProvider(server.wsUrl, `booklet/${fx.project}`, fx.admin.token)
  await waitSynced(ok)
  ok.destroy()
})

it('a flood from one socket closes it with 4529', async () => {
  const raw = openRaw(`${server.wsUrl}/booklet/${fx.project}?token=${fx.admin.token}`)
  await raw.opened
  for (let i = 0; i < 20_000 && raw.ws.readyState === raw.ws.OPEN; i++)
    raw.ws.send(Uint8Array.from([3]))
  expect((await raw.closed).closeCode).toBe(4529)
})
