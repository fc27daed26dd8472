// Preloaded into the load generator (`node --import .../seeded-random.mjs load.mjs ...`) by the
// sync bench: replaces Math.random with a generator seeded from $BENCH_SEED, so that every server
// in one repeat meets the same load. load.mjs draws each client's phase within the edit interval
// and each text position from Math.random; on a paced run with one document, clients whose phases
// fall within a millisecond or two of each other edit at the same moment all run long, and those
// collisions set the p99. With a seed per repeat, the servers are compared on identical
// schedules (paired), and the schedule's luck moves all of them together. Plain JS: load.mjs runs
// under plain node. Without $BENCH_SEED it changes nothing.

/** sfc32 seeded with the FNV-1a hash of `text`: small, well mixed, far beyond what is needed. */
function seeded(text) {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  let a = h
  let b = h ^ 0x9e3779b9
  let c = h ^ 0x85ebca6b
  let d = h ^ 0xc2b2ae35
  const next = () => {
    a >>>= 0
    b >>>= 0
    c >>>= 0
    d >>>= 0
    let t = (a + b) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    d = (d + 1) | 0
    t = (t + d) | 0
    c = (c + t) | 0
    return (t >>> 0) / 4294967296
  }
  for (let i = 0; i < 15; i++) next()
  return next
}

const seed = process.env.BENCH_SEED
if (seed !== undefined && seed !== '') {
  Math.random = seeded(seed)
  // With --procs N, load.mjs forks N workers with the same arguments and environment; each learns
  // its clients in an 'init' message before it draws anything. Seeding each from its clients
  // keeps them deterministic without giving every worker the same phases. The seed is set inside
  // load.mjs's own 'message' listener: a listener of ours would be the channel's first, and a
  // child's channel hands the messages it holds to the first listener only, so load.mjs would
  // never see its 'init' and the run would hang.
  if (process.send !== undefined) {
    const on = process.on
    process.on = function (event, listener) {
      if (event !== 'message') return on.call(this, event, listener)
      process.on = on
      return on.call(this, event, function (msg, ...rest) {
        if (msg && msg.method === 'init')
          Math.random = seeded(`${seed}/${JSON.stringify(msg.args)}`)
        return listener.call(this, msg, ...rest)
      })
    }
  }
}
