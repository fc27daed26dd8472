// CSRF and token rules against a real server (README "Security"): a WebSocket opened with the
// session cookie from another origin's page is refused before any document byte; a token handed
// over on purpose (?token=) still opens the socket; REST never reads ?token=.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { Api } from './helpers/api'
import { startServerProcess, type ServerProcess } from './helpers/server-process'

let server: ServerProcess
let admin: Api
let project: string

beforeAll(async () => {
  server = await startServerProcess()
  admin = await Api.login(server.url, 'admin', 'admin-password')
  project = await admin.createProject({ id: 'xo', name: 'Cross origin', labels: ['a', 'b'] })
}, 60_000)
afterAll(async () => {
  await server?.stop()
})

interface Outcome {
  /** The close code, or 'open' when the server sent document bytes and kept the socket open. */
  readonly result: number | 'open'
  readonly messages: number
}

/** Opens a socket with the given headers; settles at the first message or at the close. */
function openSocket(url: string, headers: Record<string, string>): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers })
    let messages = 0
    const timer = setTimeout(() => {
      ws.terminate()
      reject(new Error('no message and no close within 10 s'))
    }, 10_000)
    ws.on('message', () => {
      messages++
      clearTimeout(timer)
      ws.close()
      resolve({ result: 'open', messages })
    })
    ws.on('close', (code) => {
      clearTimeout(timer)
      resolve({ result: code, messages })
    })
    ws.on('error', () => undefined)
  })
}

describe('WebSocket upgrade: the cookie works only from Concord’s own pages', () => {
  const room = () => `${server.wsUrl}/booklet/${project}`
  const cookie = () => `concord_session=${admin.token}`

  it('refuses the cookie with a foreign Origin (another port of the same host) with 4403', async () => {
    const out = await openSocket(room(), {
      cookie: cookie(),
      origin: `http://127.0.0.1:${server.port + 1}`,
    })
    expect(out).toEqual({ result: 4403, messages: 0 })
  })

  it('refuses the cookie when the browser says same-site, not same-origin', async () => {
    const out = await openSocket(room(), {
      cookie: cookie(),
      origin: `http://127.0.0.1:${server.port + 1}`,
      'sec-fetch-site': 'same-site',
    })
    expect(out).toEqual({ result: 4403, messages: 0 })
  })

  it('accepts the cookie from its own origin, and without an Origin (not a browser)', async () => {
    expect(await openSocket(room(), { cookie: cookie(), origin: server.url })).toMatchObject({
      result: 'open',
    })
    expect(await openSocket(room(), { cookie: cookie() })).toMatchObject({ result: 'open' })
  })

  it('accepts ?token= from any origin: whoever holds the token was given it', async () => {
    const url = `${room()}?token=${encodeURIComponent(admin.token)}`
    const out = await openSocket(url, { origin: 'https://tool.example.org' })
    expect(out).toMatchObject({ result: 'open' })
  })
})

describe('REST: session tokens travel in a header or the cookie, never the URL', () => {
  it('refuses ?token= with 401 and a message that says where the token goes', async () => {
    const res = await fetch(`${server.url}/api/projects?token=${encodeURIComponent(admin.token)}`)
    expect(res.status).toBe(401)
    const body = (await res.json()) as { error: { code: string; message: string } }
    expect(body.error.code).toBe('unauthenticated')
    expect(body.error.message).toContain('Authorization: Bearer')
  })

  it('refuses a cookie-authenticated change from a foreign Origin with 403', async () => {
    const res = await fetch(`${server.url}/api/projects`, {
      method: 'POST',
      headers: {
        cookie: `concord_session=${admin.token}`,
        origin: `http://127.0.0.1:${server.port + 1}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        id: 'evil',
        name: 'Evil',
        labelSchema: { kind: 'single', ordered: false, labels: [{ id: 'a', name: 'a' }] },
      }),
    })
    expect(res.status).toBe(403)
    const projects = await admin.request<{ projects: Array<{ id: string }> }>(
      'GET',
      '/api/projects',
    )
    expect(projects.projects.map((p) => p.id)).not.toContain('evil')
  })
})
