import { TooManyRequestsError, type ThrottlePolicy } from '@concord/core'
import { describe, expect, it } from 'vitest'
import { LoginGuard } from './login-guard'

const policy = (freeFailures: number): ThrottlePolicy => ({
  freeFailures,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  forgetAfterMs: 3_600_000,
})

const guard = (maxRecords = 100) =>
  new LoginGuard({ account: policy(2), address: policy(4), maxRecords })

/** 'ok', 'fail' (the attempt was heard and failed) or the Retry-After of a refusal. */
function attempt(g: LoginGuard, user: string, address: string, now: number, succeeds = false) {
  try {
    const a = g.begin(user, address, now)
    if (succeeds) a.succeeded()
    return succeeds ? 'ok' : 'fail'
  } catch (err) {
    if (err instanceof TooManyRequestsError) return err.retryAfterSeconds
    throw err
  }
}

describe('LoginGuard', () => {
  it('throttles an account after its free failures, with a wait that doubles', () => {
    const g = guard()
    const seen = [0, 0, 0, 500, 1000, 1000, 3000, 3000].map((t) => attempt(g, 'al', 'a1', t))
    expect(seen).toEqual(['fail', 'fail', 1, 1, 'fail', 2, 'fail', 4])
  })

  it('success resets the account; the address keeps its other failures', () => {
    const g = guard()
    expect([attempt(g, 'al', 'a1', 0), attempt(g, 'al', 'a1', 0)]).toEqual(['fail', 'fail'])
    expect(attempt(g, 'al', 'a1', 5000, true)).toBe('ok')
    expect([attempt(g, 'al', 'a1', 5000), attempt(g, 'al', 'a1', 5000)]).toEqual(['fail', 'fail'])
    // Four failures from a1 (the success was taken back): the address must wait now.
    expect(attempt(g, 'bo', 'a1', 5000)).toBe(1)
    expect(attempt(g, 'bo', 'a2', 5000, true)).toBe('ok')
  })

  it('counts attempts in flight: parallel guesses see each other', () => {
    const g = guard()
    const inFlight = [g.begin('al', 'a1', 0), g.begin('al', 'a2', 0)]
    expect(attempt(g, 'al', 'a3', 0)).toBe(1)
    inFlight[0]?.succeeded()
    expect(attempt(g, 'al', 'a3', 0, true)).toBe('ok')
  })

  it('keeps at most maxRecords per kind, dropping the least recently failed', () => {
    const g = guard(3)
    attempt(g, 'al', 'a0', 0)
    attempt(g, 'al', 'a0', 0)
    expect(attempt(g, 'al', 'a0', 0)).toBe(1)
    // Three other accounts push al out of a table of three.
    for (const [i, name] of ['x', 'y', 'z'].entries()) attempt(g, name, `b${i}`, 0)
    expect(attempt(g, 'al', 'c0', 0)).toBe('fail')
    // The tables never hold more than three records each, whatever is sprayed.
    for (let i = 0; i < 1000; i++) attempt(g, `spray${i}`, `d${i}`, i)
    expect(g.tracked).toEqual({ accounts: 3, addresses: 3 })
  })
})
