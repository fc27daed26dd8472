import type { Pace } from '@concord/core/ml'

/**
 * How model work gives way to people editing. On a small machine a training shares the cores
 * with the server's event loop and the annotators' sync traffic, and no scheduling priority
 * hides that: measured on two cores, even two busy loops at Linux's lowest priority (SCHED_IDLE)
 * doubled sync latency. So while sync messages flow, the compute worker runs in short bursts
 * with pauses between them; when nobody has sent anything for `busyWindowMs`, it runs flat out.
 */
export interface YieldPolicy {
  /** Sync counts as busy for this long (ms) after its last message. */
  readonly busyWindowMs: number
  /** While busy: run for this long (ms)... */
  readonly runMs: number
  /** ...then pause this long (ms). runMs / (runMs + pauseMs) is the share model work keeps. */
  readonly pauseMs: number
}

/** Model work keeps a tenth of a core while people edit, all of it otherwise. */
export const DEFAULT_YIELD_POLICY: YieldPolicy = Object.freeze({
  busyWindowMs: 1000,
  runMs: 2,
  pauseMs: 18,
})

/**
 * The policy that keeps `percent` of a core for model work while sync is busy, in bursts of
 * DEFAULT_YIELD_POLICY.runMs; false (never give way) for 100.
 */
export function yieldPolicyFor(percent: number): YieldPolicy | false {
  if (!(percent >= 1 && percent <= 100)) {
    throw new RangeError(`a share of a core is a percent from 1 to 100, got ${percent}`)
  }
  if (percent === 100) return false
  const { runMs, busyWindowMs } = DEFAULT_YIELD_POLICY
  return Object.freeze({ busyWindowMs, runMs, pauseMs: (runMs * (100 - percent)) / percent })
}

/** Notes less often than this (ms): the cell only has to be as fresh as the busy window. */
const NOTE_EVERY_MS = 20

/**
 * When the server last handled a sync message: a wall-clock time in ms, in memory shared
 * between the server's thread (which writes it) and the model workers (which read it).
 */
export class SyncActivity {
  private readonly cell: BigInt64Array
  private lastNoted = 0

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(8)) {
    this.cell = new BigInt64Array(buffer, 0, 1)
  }

  note(nowMs: number): void {
    if (nowMs - this.lastNoted < NOTE_EVERY_MS) return
    this.lastNoted = nowMs
    Atomics.store(this.cell, 0, BigInt(Math.floor(nowMs)))
  }

  /** 0 when nothing has been noted yet. */
  last(): number {
    return Number(Atomics.load(this.cell, 0))
  }
}

export interface PaceClock {
  /** Monotonic ms, for measuring bursts. */
  now(): number
  /** Wall-clock ms, comparable with what SyncActivity holds. */
  wallNow(): number
  /** Blocks the calling thread for `ms`. */
  sleep(ms: number): void
}

/** The clock of a worker thread: it may block (Atomics.wait), which an event loop must not. */
export function workerPaceClock(): PaceClock {
  const parked = new Int32Array(new SharedArrayBuffer(4))
  return {
    now: () => performance.now(),
    wallNow: () => Date.now(),
    sleep: (ms) => void Atomics.wait(parked, 0, 0, ms),
  }
}

/** The Pace that core's computations call: pauses as the policy says while sync is busy. */
export function makeYieldingPace(
  activity: Pick<SyncActivity, 'last'>,
  policy: YieldPolicy,
  clock: PaceClock,
): Pace {
  let burstStart = clock.now()
  return () => {
    const now = clock.now()
    if (now - burstStart < policy.runMs) return
    if (clock.wallNow() - activity.last() <= policy.busyWindowMs) clock.sleep(policy.pauseMs)
    burstStart = clock.now()
  }
}
