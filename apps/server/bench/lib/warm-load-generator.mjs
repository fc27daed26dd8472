// Preloaded into the load generator (`node --import .../warm-load-generator.mjs load.mjs ...`) by
// the sync bench, before every measured run. load.mjs runs a hundred official clients in one
// process, and in its first second of edits it is still compiling their receive path (ws, the
// y-websocket provider, Yjs): it stalls for up to ~130 ms at a time, whichever server it
// measures, and those stalls set the p99 of a few-second run. This module runs the same client
// code for about a second against a relay of its own, so that the measured load starts with the
// generator warm, as the servers already do (see WARMUP in sync-load.bench.ts). It touches no
// server and measures nothing. Plain JS: load.mjs runs under plain node.
/* global performance, setTimeout, setImmediate */
import { WebSocketServer, WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'

const CLIENTS = 10
const EDIT_MS = 1_500
const HARD_LIMIT_MS = 8_000

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

async function warm() {
  // y-websocket adds a process 'exit' listener per provider (load.mjs lifts the limit itself).
  const maxListeners = process.getMaxListeners()
  process.setMaxListeners(0)
  // A relay, not a sync server: every frame goes to every other socket. Clients then sync with
  // each other through it, over the same protocol messages they exchange with a server.
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  await new Promise((resolve) => wss.once('listening', resolve))
  wss.on('connection', (socket) => {
    socket.on('message', (data, isBinary) => {
      for (const peer of wss.clients) {
        if (peer !== socket && peer.readyState === WebSocket.OPEN)
          peer.send(data, { binary: isBinary })
      }
    })
  })
  const { port } = wss.address()
  const clients = Array.from({ length: CLIENTS }, () => {
    const doc = new Y.Doc()
    const provider = new WebsocketProvider(`ws://127.0.0.1:${port}`, 'warm', doc, {
      WebSocketPolyfill: WebSocket,
      disableBc: true,
    })
    let received = 0
    doc.getMap('labels').observe((event, tr) => {
      if (!tr.local) received += event.keysChanged.size
    })
    return { doc, provider, received: () => received }
  })
  const deadline = performance.now() + HARD_LIMIT_MS
  while (performance.now() < deadline && clients.some((c) => !c.provider.wsconnected))
    await sleep(10)
  const end = performance.now() + EDIT_MS
  let seq = 0
  while (performance.now() < end) {
    for (const { doc, provider } of clients) {
      doc.transact(() => {
        doc
          .getMap('labels')
          .set(`w${doc.clientID}_${seq}`, `${seq}:${performance.now().toFixed(3)}`)
        const text = doc.getText('text')
        text.insert(Math.floor(Math.random() * (text.length + 1)), 'abcdefgh')
      })
      provider.awareness.setLocalStateField('cursor', { anchor: seq })
    }
    seq++
    await new Promise((resolve) => setImmediate(resolve))
  }
  const expected = seq * (CLIENTS - 1)
  while (performance.now() < deadline && clients.some((c) => c.received() < expected))
    await sleep(10)
  for (const { doc, provider } of clients) {
    provider.destroy()
    doc.destroy()
  }
  await new Promise((resolve) => wss.close(resolve))
  process.setMaxListeners(maxListeners)
  if (process.env.CONCORD_BENCH_WARM_LOG === '1') {
    const got = clients.reduce((s, c) => s + c.received(), 0)
    process.stderr.write(
      `load generator warmed: ${seq * CLIENTS} edits, ${got}/${expected * CLIENTS} deliveries\n`,
    )
  }
}

// A warm-up that fails leaves the generator cold, never the run broken.
await warm().catch((err) => process.stderr.write(`load generator warm-up skipped: ${err}\n`))
