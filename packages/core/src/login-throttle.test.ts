import { describe, expect, it } from 'vitest'
import {
  ACCOUNT_THROTTLE,
  addressKey,
  failureDelayMs,
  isStale,
  recordFailure,
  retryAfterMs,
  withdrawFailure,
  type FailureRecord,
  type ThrottlePolicy,
} from './login-throttle'

const POLICY: ThrottlePolicy = {
  freeFailures: 3,
  baseDelayMs: 1000,
  maxDelayMs: 10_000,
  forgetAfterMs: 60_000,
}

describe('failureDelayMs', () => {
  it.each([
    [0, 0],
    [1, 0],
    [2, 0],
    [3, 1000],
    [4, 2000],
    [5, 4000],
    [6, 8000],
    [7, 10_000],
    [50, 10_000],
    [5000, 10_000],
  ])('%i failures wait %i ms', (failures, wait) => {
    expect(failureDelayMs(POLICY, failures)).toBe(wait)
  })

  it('the account defaults: 5 free, then 1 s doubling to a 15 minute cap', () => {
    const waits = [4, 5, 6, 7, 14, 15, 16].map((n) => failureDelayMs(ACCOUNT_THROTTLE, n))
    expect(waits).toEqual([0, 1000, 2000, 4000, 512_000, 900_000, 900_000])
  })
})

describe('retryAfterMs', () => {
  const at = (failures: number, lastFailureAt: number): FailureRecord => ({
    failures,
    lastFailureAt,
  })
  it.each<[string, FailureRecord | undefined, number, number]>([
    ['no record', undefined, 5000, 0],
    ['free failures never wait', at(2, 5000), 5000, 0],
    ['just past the free ones: the base delay', at(3, 5000), 5000, 1000],
    ['part of the wait has passed', at(3, 5000), 5600, 400],
    ['the wait is over', at(3, 5000), 6000, 0],
    ['long after', at(3, 5000), 900_000, 0],
    ['doubled', at(5, 5000), 5000, 4000],
    ['capped', at(40, 5000), 5000, 10_000],
    ['a clock that went back still waits at most the cap', at(40, 5000), 1000, 14_000],
  ])('%s', (_name, record, now, wait) => {
    expect(retryAfterMs(POLICY, record, now)).toBe(wait)
  })
})

describe('recordFailure and withdrawFailure', () => {
  it.each<[string, FailureRecord | undefined, number, FailureRecord]>([
    ['the first failure', undefined, 100, { failures: 1, lastFailureAt: 100 }],
    ['counts up', { failures: 4, lastFailureAt: 100 }, 200, { failures: 5, lastFailureAt: 200 }],
    [
      'a record quiet for forgetAfterMs starts again',
      { failures: 9, lastFailureAt: 100 },
      60_100,
      { failures: 1, lastFailureAt: 60_100 },
    ],
    [
      'just short of forgetting it keeps counting',
      { failures: 9, lastFailureAt: 100 },
      60_099,
      { failures: 10, lastFailureAt: 60_099 },
    ],
  ])('%s', (_name, record, now, expected) => {
    expect(recordFailure(POLICY, record, now)).toEqual(expected)
  })

  it.each<[FailureRecord | undefined, FailureRecord | undefined]>([
    [undefined, undefined],
    [{ failures: 1, lastFailureAt: 7 }, undefined],
    [
      { failures: 4, lastFailureAt: 7 },
      { failures: 3, lastFailureAt: 7 },
    ],
  ])('withdrawFailure(%j) is %j', (record, expected) => {
    expect(withdrawFailure(record)).toEqual(expected)
  })

  it('six wrong passwords in a row: the fourth and later must wait, longer each time', () => {
    let record: FailureRecord | undefined
    const waits: number[] = []
    let now = 0
    for (let i = 0; i < 6; i++) {
      now += retryAfterMs(POLICY, record, now)
      record = recordFailure(POLICY, record, now)
      waits.push(retryAfterMs(POLICY, record, now))
    }
    expect(waits).toEqual([0, 0, 1000, 2000, 4000, 8000])
  })
})

describe('isStale', () => {
  const slow: ThrottlePolicy = { ...POLICY, baseDelayMs: 100_000, maxDelayMs: 120_000 }
  it.each<[string, ThrottlePolicy, FailureRecord, number, boolean]>([
    ['recent', POLICY, { failures: 1, lastFailureAt: 0 }, 1000, false],
    ['quiet long enough', POLICY, { failures: 1, lastFailureAt: 0 }, 60_000, true],
    ['quiet long enough but still waiting', slow, { failures: 3, lastFailureAt: 0 }, 60_000, false],
  ])('%s', (_name, policy, record, now, stale) => {
    expect(isStale(policy, record, now)).toBe(stale)
  })
})

describe('addressKey', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['::ffff:10.0.0.7', '10.0.0.7'],
    ['::1', '0:0:0:0::/64'],
    ['2001:db8:85a3:8d3:1319:8a2e:370:7348', '2001:db8:85a3:8d3::/64'],
    ['2001:db8:85a3:8d3::1', '2001:db8:85a3:8d3::/64'],
    ['2001:DB8:85A3:08D3:ffff::2', '2001:db8:85a3:8d3::/64'],
    ['2001:db8::', '2001:db8:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['unknown', 'unknown'],
  ])('%s is throttled as %s', (address, key) => {
    expect(addressKey(address)).toBe(key)
  })
})
