import { createRandom } from '@concord/metrics'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { connectProvider, waitFor, waitSynced } from './helpers/clients'
import { createFixture, type Fixture } from './helpers/project-fixture'
import { rawUpgrade, wsFrame } from './helpers/raw-socket'
import { startServerProcess, type ServerProcess } from './helpers/server-process'

// Frames the `ws` parser rejects, sent right behind the upgrade request on sockets the server
// refuses (and, for comparison, one it accepts). Each rejection is an 'error' event on the
// server's socket; none may end the process (SPEC.md rule 5, issue 31 point 1).

let server: ServerProcess
let fx: Fixture

beforeAll(async () => {
  server = await startServerProcess()
  fx = await createFixture(server, { itemCount: 3, prefix: 'pa' })
})
afterAll(async () => {
  await server?.stop()
})

const step1 = Uint8Array.from([0, 0, 1, 0])
const random = createRandom(31)
const payloads: Record<string, Uint8Array> = {
  unmasked: wsFrame(step1, { masked: false }),
  'length over maxFrameBytes': wsFrame(new Uint8Array(0), { announcedLength: 1024 * 1024 + 1 }),
  'reserved opcode': wsFrame(step1, { opcode: 0x3 }),
  'RSV1 without an extension': wsFrame(step1, { rsv: 4 }),
  // FIN, RSV1-3 and opcode 0xF: rejected on its first byte, then noise.
  garbage: Uint8Array.from([0xff, ...Array.from({ length: 63 }, () => random.nextInt(256))]),
}

it('frames the parser rejects, right behind a refused or accepted upgrade, leave the server up', async () => {
  const [own, other] = fx.annotators
  const targets: Array<{ name: string; url: string; refusal: number | undefined }> = [
    { name: 'bad token', url: `/booklet/${fx.project}?token=not-a-session`, refusal: 4401 },
    {
      name: "another annotator's labels in a blind project",
      url: `/labels/${fx.project}/${other!.id}?token=${own!.api.token}`,
      refusal: 4403,
    },
    {
      // Its refusal quotes the room name: longer than a close frame's reason may be.
      name: 'unknown room with a long name',
      url: `/${'x'.repeat(300)}?token=${fx.admin.token}`,
      refusal: 4404,
    },
    { name: 'accepted', url: `/booklet/${fx.project}?token=${fx.admin.token}`, refusal: undefined },
  ]
  const cases = targets.flatMap((target) =>
    Object.entries(payloads).flatMap(([payload, bytes]) =>
      // In the same write as the request (parsed as soon as the upgrade completes), or a little
      // later (while authorization may still be running, or after the refusal was sent).
      [undefined, 20].map((delayMs) => ({ target, payload, bytes, delayMs })),
    ),
  )
  const results = await Promise.all(
    cases.map(async (c) => ({
      ...c,
      result: await rawUpgrade(server.wsUrl + c.target.url, c.bytes, {
        ...(c.delayMs !== undefined && { delayMs: c.delayMs }),
        waitMs: 5_000,
      }),
    })),
  )
  for (const { target, payload, delayMs, result } of results) {
    const what = `${target.name}, ${payload}, ${delayMs === undefined ? 'same write' : 'later'}`
    expect(result.status, what).toBe(101)
    if (target.refusal !== undefined) expect(result.closeCode, what).toBe(target.refusal)
    // The server ends the socket of a peer that sent a bad frame, refused or not.
    expect(result.closedByServer, what).toBe(true)
  }

  const health = await fetch(`${server.url}/api/health`)
  expect(health.status).toBe(200)
  expect(server.child.exitCode).toBeNull()
  // And it still syncs.
  const room = `booklet/${fx.project}`
  const a = connectProvider(server.wsUrl, room, fx.admin.token)
  const b = connectProvider(server.wsUrl, room, fx.reviewer.api.token)
  try {
    await Promise.all([waitSynced(a), waitSynced(b)])
    a.doc.getText('intro').insert(0, 'still here')
    await waitFor(() => b.doc.getText('intro').toString() === 'still here', 'b sees a')
  } finally {
    a.destroy()
    b.destroy()
  }
})
