// Preloaded into every server by the sync bench (`--import .../loop-monitor.mjs`): measures the
// server's event-loop delay (how long a ready callback waits, i.e. how long the loop was blocked)
// and prints it as one `BENCH_LOOP {json}` line when the process exits. Plain JS so that it also
// loads into the stock reference server.
import { monitorEventLoopDelay } from 'node:perf_hooks'

const RESOLUTION_MS = 5
const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS })
histogram.enable()
// The bench sends SIGUSR2 when the load starts, so start-up (module loading) is not counted.
process.on('SIGUSR2', () => histogram.reset())
const ms = (ns) => Math.round(ns / 1e4) / 100
process.on('exit', () => {
  histogram.disable()
  // The histogram includes the sampling interval.
  const delay = (ns) => Math.max(0, ms(ns) - RESOLUTION_MS)
  const stats = {
    p50: delay(histogram.percentile(50)),
    p99: delay(histogram.percentile(99)),
    max: delay(histogram.max),
  }
  process.stdout.write(`BENCH_LOOP ${JSON.stringify(stats)}\n`)
})
