// Preloaded (`node --expose-gc --import .../probe.mjs server.js`) into a server process by the
// memory bench, so that the bench can force a full GC and read V8 heap figures over IPC. It does
// nothing unless the process was started with an IPC channel. Plain JS so that it also loads into
// the stock reference server, which runs without tsx.
if (typeof process.send === 'function') {
  process.on('message', (msg) => {
    if (!msg || typeof msg !== 'object' || msg.probe === undefined) return
    if (msg.probe === 'gc' && typeof globalThis.gc === 'function') {
      // Two passes: the first may only finalize objects whose memory the second reclaims.
      globalThis.gc()
      globalThis.gc()
    }
    process.send({ probe: msg.probe, id: msg.id, mem: process.memoryUsage() })
  })
  // The IPC channel must not keep a server alive that would otherwise exit.
  process.channel?.unref()
}
