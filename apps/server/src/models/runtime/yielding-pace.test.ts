import { describe, expect, it } from 'vitest'
import {
  DEFAULT_YIELD_POLICY,
  makeYieldingPace,
  SyncActivity,
  yieldPolicyFor,
  type PaceClock,
} from './yielding-pace'

/** A clock where work takes `stepMs` between calls to pace and sleeping only advances time. */
function fakeClock(wallStart: number) {
  let t = 0
  const sleeps: number[] = []
  const clock: PaceClock = {
    now: () => t,
    wallNow: () => wallStart + t,
    sleep: (ms) => {
      sleeps.push(ms)
      t += ms
    },
  }
  return { clock, sleeps, work: (ms: number) => (t += ms) }
}

describe('makeYieldingPace', () => {
  const policy = { busyWindowMs: 1000, runMs: 2, pauseMs: 18 }
  const cases: Array<{ name: string; lastActivityAgo: number | null; sleeps: number[] }> = [
    // 10 units of 0.5 ms: a burst of 2 ms, then a pause, twice over.
    {
      name: 'sync busy 100 ms ago: pauses after each 2 ms burst',
      lastActivityAgo: 100,
      sleeps: [18, 18],
    },
    { name: 'sync quiet for 2 s: never pauses', lastActivityAgo: 2000, sleeps: [] },
    { name: 'no sync message yet: never pauses', lastActivityAgo: null, sleeps: [] },
  ]
  for (const c of cases) {
    it(c.name, () => {
      const wallStart = 1_700_000_000_000
      const { clock, sleeps, work } = fakeClock(wallStart)
      const activity = new SyncActivity()
      if (c.lastActivityAgo !== null) activity.note(wallStart - c.lastActivityAgo)
      const pace = makeYieldingPace(activity, policy, clock)
      for (let i = 0; i < 10; i++) {
        work(0.5)
        pace()
      }
      expect(sleeps).toEqual(c.sleeps)
    })
  }

  it('the default keeps a tenth of a core for model work while sync is busy', () => {
    const { runMs, pauseMs } = DEFAULT_YIELD_POLICY
    expect(runMs / (runMs + pauseMs)).toBeCloseTo(0.1, 10)
  })
})

describe('SyncActivity', () => {
  it('is shared through its buffer, and notes at most every 20 ms', () => {
    const writer = new SyncActivity()
    const reader = new SyncActivity(writer.buffer)
    expect(reader.last()).toBe(0)
    writer.note(1_000)
    writer.note(1_010)
    expect(reader.last()).toBe(1_000)
    writer.note(1_025)
    expect(reader.last()).toBe(1_025)
  })
})

describe('yieldPolicyFor', () => {
  const cases: Array<[number, { runMs: number; pauseMs: number } | false]> = [
    [10, { runMs: 2, pauseMs: 18 }],
    [50, { runMs: 2, pauseMs: 2 }],
    [1, { runMs: 2, pauseMs: 198 }],
    [100, false],
  ]
  for (const [percent, expected] of cases) {
    it(`${percent}% of a core`, () => {
      const policy = yieldPolicyFor(percent)
      if (expected === false) expect(policy).toBe(false)
      else expect(policy).toMatchObject({ ...expected, busyWindowMs: 1000 })
    })
  }

  it('refuses shares outside 1-100', () => {
    expect(() => yieldPolicyFor(0)).toThrow(/1 to 100, got 0/)
    expect(() => yieldPolicyFor(101)).toThrow(/1 to 100/)
  })
})
