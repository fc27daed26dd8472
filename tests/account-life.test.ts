import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Api } from './helpers/api'
import { waitFor } from './helpers/clients'
import { openRaw } from './helpers/raw-socket'
import { startServerProcess, type ServerProcess } from './helpers/server-process'

let server: ServerProcess
let admin: Api
let project: string

beforeAll(async () => {
  server = await startServerProcess()
  admin = await Api.login(server.url, 'admin', 'admin-password')
  project = await admin.createProject({ id: 'life', name: 'Life', labels: ['a', 'b'] })
}, 60_000)
afterAll(async () => {
  await server?.stop()
})

interface Answer {
  status: number
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read JSON freely
  body: any
}

async function call(method: string, path: string, token?: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      ...(token !== undefined && { authorization: `Bearer ${token}` }),
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : undefined }
}

const login = (username: string, password: string) =>
  call('POST', '/api/auth/login', undefined, { username, password })

async function member(username: string, password = 'password-123') {
  const { id, api } = await admin.createUser(username, password)
  await admin.addMember(project, id, 'annotator')
  return { id, api }
}

/** A sync socket of `token` on the project's booklet, attached to its room. */
async function socket(token: string) {
  const raw = openRaw(`${server.wsUrl}/booklet/${project}?token=${encodeURIComponent(token)}`)
  await raw.opened
  await waitFor(() => raw.result.messages.length > 0, 'the room sent its first message')
  return raw
}

describe('account life over REST', { timeout: 60_000 }, () => {
  it('disabling ends sessions and live sockets at once; enabling lets the user sign in', async () => {
    const ana = await member('ana')
    const second = (await login('ana', 'password-123')).body.token as string
    const live = await socket(ana.api.token)

    const disabled = await call('PATCH', `/api/users/${ana.id}`, admin.token, { disabled: true })
    expect(disabled.status).toBe(200)
    expect(disabled.body.user).toMatchObject({ username: 'ana', disabledAt: expect.any(Number) })
    expect((await live.closed).closeCode).toBe(4001)
    for (const token of [ana.api.token, second]) {
      expect((await call('GET', '/api/auth/me', token)).status).toBe(401)
    }
    const refused = await login('ana', 'password-123')
    expect(refused.status).toBe(403)
    expect(refused.body.error.message).toMatch(/this account is disabled; ask an administrator/)
    // A reconnect is authorized afresh: the session is gone.
    const again = openRaw(`${server.wsUrl}/booklet/${project}?token=${ana.api.token}`)
    expect((await again.closed).closeCode).toBe(4401)
    const listed = await call('GET', '/api/users', admin.token)
    expect(listed.body.users.find((u: { id: string }) => u.id === ana.id).disabledAt).toEqual(
      expect.any(Number),
    )

    const enabled = await call('PATCH', `/api/users/${ana.id}`, admin.token, { disabled: false })
    expect(enabled.body.user.disabledAt).toBeNull()
    expect((await login('ana', 'password-123')).status).toBe(200)
  })

  it('revoking ends every session and socket of the user', async () => {
    const ben = await member('ben')
    const second = (await login('ben', 'password-123')).body.token as string
    const live = await socket(second)
    const revoked = await call('DELETE', `/api/users/${ben.id}/sessions`, admin.token)
    expect(revoked).toEqual({ status: 200, body: { revoked: 2 } })
    expect((await live.closed).closeCode).toBe(4001)
    expect((await call('GET', '/api/auth/me', ben.api.token)).status).toBe(401)
    expect((await call('GET', '/api/auth/me', second)).status).toBe(401)
    expect((await login('ben', 'password-123')).status).toBe(200)
  })

  it('an admin resets a password: the old one and every session stop working', async () => {
    const cleo = await member('cleo')
    const path = `/api/users/${cleo.id}/password`
    const common = await call('POST', path, admin.token, { password: 'Password123' })
    expect(common.status).toBe(400)
    expect(common.body.error.message).toMatch(/password: this is one of the most common passwords/)
    const blank = await call('POST', path, admin.token, { password: '            ' })
    expect(blank.body.error.message).toMatch(/password: a password cannot be only spaces/)
    expect((await login('cleo', 'password-123')).status).toBe(200)

    expect((await call('POST', path, admin.token, { password: 'cleo new secret' })).status).toBe(
      204,
    )
    expect((await call('GET', '/api/auth/me', cleo.api.token)).status).toBe(401)
    expect((await login('cleo', 'password-123')).status).toBe(401)
    expect((await login('cleo', 'cleo new secret')).status).toBe(200)
  })

  it('a user changes their own password: other sessions end, this one stays', async () => {
    const dora = await member('dora')
    const other = (await login('dora', 'password-123')).body.token as string
    const mine = await socket(dora.api.token)
    const change = (currentPassword: string, newPassword: string) =>
      call('POST', '/api/auth/password', dora.api.token, { currentPassword, newPassword })

    const wrong = await change('not my password', 'dora new secret')
    expect(wrong.status).toBe(403)
    expect(wrong.body.error.details).toEqual([
      { path: 'currentPassword', message: 'the current password is wrong' },
    ])
    expect((await change('password-123', 'qwerty123')).body.error.message).toMatch(
      /newPassword: this is one of the most common passwords/,
    )
    expect((await call('GET', '/api/auth/me', other)).status).toBe(200)

    expect((await change('password-123', 'dora new secret')).status).toBe(204)
    expect((await call('GET', '/api/auth/me', other)).status).toBe(401)
    expect((await call('GET', '/api/auth/me', dora.api.token)).status).toBe(200)
    // Every socket of the user was closed; this session's reconnects.
    expect((await mine.closed).closeCode).toBe(4001)
    const back = await socket(dora.api.token)
    back.ws.close()
    expect((await login('dora', 'password-123')).status).toBe(401)
    expect((await login('dora', 'dora new secret')).status).toBe(200)
  })

  it('refuses weak passwords at creation, self-disabling, and non-admins', async () => {
    const weak = await call('POST', '/api/users', admin.token, {
      username: 'weak',
      password: 'iloveyou',
    })
    expect(weak.status).toBe(400)
    expect(weak.body.error.details[0]).toMatchObject({ path: 'password' })
    const me = (await call('GET', '/api/auth/me', admin.token)).body.user.id as string
    const self = await call('PATCH', `/api/users/${me}`, admin.token, { disabled: true })
    expect(self.status).toBe(409)
    expect(self.body.error.message).toMatch(/you cannot disable your own account/)

    const eve = await member('eve')
    for (const [method, path, body] of [
      ['PATCH', `/api/users/${me}`, { disabled: true }],
      ['POST', `/api/users/${me}/password`, { password: 'taken over now' }],
      ['DELETE', `/api/users/${me}/sessions`, undefined],
    ] as const) {
      expect((await call(method, path, eve.api.token, body)).status).toBe(403)
    }
    expect(
      (await call('PATCH', '/api/users/u_nobody', admin.token, { disabled: true })).status,
    ).toBe(404)
    expect((await call('GET', '/api/auth/me', admin.token)).status).toBe(200)
  })
})
