// Preloaded into every server by the sync bench (`--import .../forward-timing.mjs`): how long a
// server holds an edit. It wraps the `ws` WebSocket class that the server itself loads (each
// server may have its own copy: the reference bundles ws 6) and times, for each frame a client
// sends, the moment the server's first and last following `send` calls return. It prints one
// `BENCH_FORWARD {json}` line when the process exits; SIGUSR2 (the start of the load) resets it.
//
// Only paced runs are read this way: there an edit is forwarded to its peers long before the
// next one arrives. A frame followed by another frame before any send (a burst, or two edits in
// the same millisecond) is left out; the sends that follow are timed from the later frame. Plain JS so that it also loads into the stock
// reference server; the two clock reads per call cost every server the same.
import { createRequire } from 'node:module'
import { performance } from 'node:perf_hooks'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)

/**
 * The copies of ws the server loads: the one next to its entry script (the reference's own ws 6
 * for the stock server) and the repository's. Hocuspocus 4 serves through crossws, not ws, so it
 * is not timed.
 */
function wsCopies() {
  const files = new Set()
  for (const base of [process.argv[1] ? dirname(process.argv[1]) : undefined, process.cwd()]) {
    if (!base) continue
    try {
      // ws 8 exports neither lib/ nor its main by path: find the package, then the file in it.
      const pkg = require.resolve('ws/package.json', { paths: [base] })
      files.add(join(dirname(pkg), 'lib/websocket.js'))
    } catch {
      // no ws reachable from there
    }
  }
  return [...files]
}

/** Per forwarded frame: ms from its arrival until the first and the last send after it. */
let first = []
let last = []
let sends = []
/** The frame being forwarded: arrival time, sends so far, time the latest send returned. */
let open

function close() {
  if (open && open.sends > 0) {
    first.push(open.first)
    last.push(open.last)
    sends.push(open.sends)
  }
  open = undefined
}

for (const file of wsCopies()) {
  const WebSocket = require(file)
  const emit = WebSocket.prototype.emit
  WebSocket.prototype.emit = function (event, ...args) {
    if (event === 'message') {
      close()
      open = { at: performance.now(), sends: 0, first: 0, last: 0 }
    }
    return emit.call(this, event, ...args)
  }
  const send = WebSocket.prototype.send
  WebSocket.prototype.send = function (...args) {
    const result = send.apply(this, args)
    if (open) {
      const t = performance.now() - open.at
      if (open.sends++ === 0) open.first = t
      open.last = t
    }
    return result
  }
}

process.on('SIGUSR2', () => {
  first = []
  last = []
  sends = []
  open = undefined
})

const pct = (xs, p) => {
  if (xs.length === 0) return 0
  const sorted = [...xs].sort((a, b) => a - b)
  return (
    Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] * 1000) / 1000
  )
}

process.on('exit', () => {
  close()
  const stats = {
    frames: first.length,
    firstP50: pct(first, 0.5),
    firstP99: pct(first, 0.99),
    lastP50: pct(last, 0.5),
    lastP99: pct(last, 0.99),
    sendsPerFrame: first.length
      ? Math.round((sends.reduce((a, b) => a + b, 0) / first.length) * 10) / 10
      : 0,
  }
  process.stdout.write(`BENCH_FORWARD ${JSON.stringify(stats)}\n`)
})
