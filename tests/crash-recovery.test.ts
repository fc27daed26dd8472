import { createServer } from 'node:net'
import { afterAll, expect, it } from 'vitest'
import type { WebsocketProvider } from 'y-websocket'
import { Api } from './helpers/api'
import { connectProvider, waitFor, waitSynced } from './helpers/clients'
import { readStoredDoc } from './helpers/disk'
import { startServerProcess, tempDataDir, type ServerProcess } from './helpers/server-process'

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => resolve(port))
    })
  })
}

let server: ServerProcess | undefined
const providers: WebsocketProvider[] = []
afterAll(async () => {
  for (const p of providers) p.destroy()
  await server?.stop()
})

it('SIGKILL while clients edit loses nothing any client had seen', async () => {
  const dataDir = tempDataDir()
  const port = await freePort()
  server = await startServerProcess({ dataDir, port })
  const admin = await Api.login(server.url, 'admin', 'admin-password')
  const project = await admin.createProject({ id: 'crash', name: 'Crash', labels: ['a', 'b'] })
  const room = `booklet/${project}`

  const names = ['w0', 'w1', 'w2', 'w3']
  for (const _ of names) providers.push(connectProvider(server.wsUrl, room, admin.token))
  await Promise.all(providers.map((p) => waitSynced(p)))

  // Every writer keeps adding entries until the kill.
  let writing = true
  const loops = providers.map(async (p, i) => {
    let n = 0
    while (writing) {
      p.doc.getMap('log').set(`${names[i]}-${n++}`, n)
      await new Promise((r) => setTimeout(r, 3 + i))
    }
  })
  await new Promise((r) => setTimeout(r, 1500))
  await server.kill()
  writing = false
  await Promise.all(loops)

  // What each client had seen from the others can only have come through the server.
  const seenFromOthers = new Set<string>()
  providers.forEach((p, i) => {
    for (const key of p.doc.getMap('log').keys())
      if (!key.startsWith(`${names[i]}-`)) seenFromOthers.add(key)
  })
  expect(seenFromOthers.size).toBeGreaterThan(50)

  // Half the clients never come back: their edits survive only if the server stored them.
  for (const p of providers.slice(2)) p.destroy()
  const survivors = providers.slice(0, 2)
  for (const p of survivors) p.disconnect()

  server = await startServerProcess({ dataDir, port })
  const onDisk = readStoredDoc(dataDir, room).getMap('log')
  const missing = [...seenFromOthers].filter((k) => !onDisk.has(k))
  expect(missing, 'edits seen by a client but missing on disk after SIGKILL').toEqual([])

  // Survivors reconnect and resend what the server had not stored; all converge.
  for (const p of survivors) p.connect()
  await Promise.all(survivors.map((p) => waitSynced(p)))
  const reader = connectProvider(server.wsUrl, room, admin.token)
  providers.push(reader)
  await waitSynced(reader)
  const union = new Set<string>()
  for (const p of survivors) for (const k of p.doc.getMap('log').keys()) union.add(k)
  for (const k of seenFromOthers) union.add(k)
  await waitFor(
    () => [...union].every((k) => reader.doc.getMap('log').has(k)),
    'reader has the union',
  )
  await waitFor(() => {
    const stored = readStoredDoc(dataDir, room).getMap('log')
    return [...union].every((k) => stored.has(k))
  }, 'the union is on disk')
})
