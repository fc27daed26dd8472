// The machine is shared (2 cores; tests of other work may run beside the bench): measure how much
// CPU went to processes other than the server and the load generator, and wait for a quiet
// machine before measuring.
import { readFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { sleep } from './report'
import { clockTicks, procStatFields } from './servers'

/** Busy CPU seconds of the whole machine since boot (all cores, /proc/stat). */
export function hostBusyS(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!
  const f = line.trim().split(/\s+/).slice(1).map(Number)
  // user nice system idle iowait irq softirq steal …
  const busy = f[0]! + f[1]! + f[2]! + f[5]! + f[6]! + f[7]!
  return busy / clockTicks
}

export const coreCount = cpus().length

/**
 * CPU seconds of this process's children that have exited and been waited for (cutime + cstime
 * in /proc/self/stat), which counts their own reaped children too. Around one load.mjs run it is
 * the whole generator's CPU, forked processes, warm-up and convergence check included; load.mjs's
 * own client figure is sampled before its convergence check.
 */
export function reapedChildrenCpuS(): number {
  const f = procStatFields('self') // cutime, cstime: fields 16, 17
  return (Number(f[13]) + Number(f[14])) / clockTicks
}

/**
 * Waits until the machine has been nearly idle for one second (other processes using less than
 * `maxCores` cores), for at most `maxWaitMs`. Returns the busy cores of the last sample.
 */
export async function waitForQuiet(maxWaitMs = 30_000, maxCores = 0.3): Promise<number> {
  const deadline = Date.now() + maxWaitMs
  let warned = false
  for (;;) {
    const b0 = hostBusyS()
    await sleep(1000)
    const busy = hostBusyS() - b0
    if (busy <= maxCores || Date.now() > deadline) {
      if (busy > maxCores) {
        console.log(`  (machine still busy: ${busy.toFixed(2)} cores in use; measuring anyway)`)
      }
      return busy
    }
    if (!warned) {
      console.log(`  (machine busy: ${busy.toFixed(2)} cores in use by others; waiting)`)
      warned = true
    }
  }
}
