import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolveOptions } from '../apps/server/src/options'
import { startServer, type RunningServer } from '../apps/server/src/server'
import { Api } from './helpers/api'

// A real server on 127.0.0.1, in this process so the throttle's waits can be set long: nothing
// here depends on how fast the machine answers.
const MINUTE = 60_000
let server: RunningServer
let dir: string
let admin: Api

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'concord-throttle-'))
  server = await startServer(
    resolveOptions(
      {
        dataDir: dir,
        port: 0,
        host: '127.0.0.1',
        seedDemo: false,
        adminPassword: 'admin-password',
        quiet: true,
        loginThrottle: {
          account: {
            freeFailures: 5,
            baseDelayMs: MINUTE,
            maxDelayMs: 15 * MINUTE,
            forgetAfterMs: 24 * 60 * MINUTE,
          },
          address: {
            freeFailures: 20,
            baseDelayMs: MINUTE,
            maxDelayMs: 15 * MINUTE,
            forgetAfterMs: 60 * MINUTE,
          },
          maxRecords: 1000,
        },
      },
      {},
    ),
  )
  admin = await Api.login(server.url, 'admin', 'admin-password')
  for (const name of ['bob', 'carol']) {
    await admin.request('POST', '/api/users', { username: name, password: `${name}-password` })
  }
}, 60_000)
afterAll(async () => {
  await server?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

async function login(username: string, password: string) {
  const res = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  })
  const body = (await res.json()) as { error?: { code: string; message: string } }
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body }
}

async function statuses(username: string, password: string, times: number): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; i < times; i++) out.push((await login(username, password)).status)
  return out
}

// The steps share one server and one client address (127.0.0.1), in order.
describe('login throttling', { timeout: 120_000 }, () => {
  it('a successful login clears the account’s failures', async () => {
    expect(await statuses('carol', 'wrong password', 4)).toEqual([401, 401, 401, 401])
    expect((await login('carol', 'carol-password')).status).toBe(200)
    // Four more failures would be nine in a row without the reset.
    expect(await statuses('carol', 'wrong password', 4)).toEqual([401, 401, 401, 401])
  })

  it('after 5 failures an account is answered 429 with Retry-After, even with its password', async () => {
    expect(await statuses('admin', 'wrong password', 5)).toEqual([401, 401, 401, 401, 401])
    const throttled = await login('admin', 'wrong password')
    expect(throttled.status).toBe(429)
    const seconds = Number(throttled.retryAfter)
    expect(Number.isInteger(seconds) && seconds > 0 && seconds <= 60).toBe(true)
    expect(throttled.body.error).toMatchObject({
      code: 'too_many_requests',
      message: expect.stringMatching(
        /^too many failed sign-ins for 'admin'; try again in \d+ s \(at \d\d:\d\d:\d\d UTC\)$/,
      ),
    })
    const right = await login('admin', 'admin-password')
    expect(right.status).toBe(429)
    expect(right.retryAfter).not.toBeNull()
    // Sessions made before are untouched: the admin's API still works.
    expect(
      (await admin.request<{ user: { username: string } }>('GET', '/api/auth/me')).user.username,
    ).toBe('admin')
  })

  it('an unknown username is answered exactly like a real one', async () => {
    expect(await statuses('ghost', 'wrong password', 5)).toEqual([401, 401, 401, 401, 401])
    const throttled = await login('ghost', 'wrong password')
    expect(throttled.status).toBe(429)
    expect(throttled.body.error?.message).toMatch(/^too many failed sign-ins for 'ghost'/)
  })

  it('20 failures from one address throttle every account from it', async () => {
    // 8 (carol) + 5 (admin) + 5 (ghost) so far; refused attempts did not count.
    expect(await statuses('dave', 'wrong password', 2)).toEqual([401, 401])
    const bob = await login('bob', 'bob-password')
    expect(bob.status).toBe(429)
    expect(Number(bob.retryAfter)).toBeGreaterThan(0)
    expect(bob.body.error?.message).toMatch(
      /^too many failed sign-ins from your address; try again in \d+ s/,
    )
  })
})
