import type { ProjectId, ProjectRole, UserId } from '@concord/core'
import type { Hono } from 'hono'
import { createSession } from '../auth/sessions'
import { createHttpApp } from '../http/app'
import { ModelService } from '../models/model-service'
import type { AppEnv } from '../http/app-env'
import { setMember } from '../repos/members'
import { createProject, type Project } from '../repos/projects'
import { hashPassword } from '../auth/passwords'
import { createUser, newUserId, toUser, type User } from '../repos/users'
import { createTestContext, type TestContext, type TestContextOptions } from './test-context'

export interface TestResponse<T = unknown> {
  readonly status: number
  readonly headers: Headers
  readonly body: T
}

export interface RequestOptions {
  readonly token?: string
  /** JSON-encoded unless it is a string. */
  readonly body?: unknown
  readonly headers?: Record<string, string>
}

export interface TestApp extends TestContext {
  readonly app: Hono<AppEnv>
  readonly admin: User
  readonly adminToken: string
  /** `app.request` with a token and a JSON body; the response body parsed as JSON when it is. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read JSON freely
  request<T = any>(method: string, path: string, opts?: RequestOptions): Promise<TestResponse<T>>
  /** A user with a session token (made directly, without the cost of a login). */
  user(username: string, opts?: { isAdmin?: boolean }): Promise<User & { token: string }>
  /** `count` users `<prefix>0`, `<prefix>1`, ... sharing one password hash (fast), with tokens. */
  users(prefix: string, count: number): Promise<Array<User & { token: string }>>
  /** A project with labels a, b, c created by the admin. */
  project(opts?: { id?: string; overlap?: number; blind?: boolean }): Promise<Project>
  member(project: { id: ProjectId }, user: { id: UserId }, role: ProjectRole): Promise<void>
}

/** The HTTP app over a fresh test context, with an administrator signed in. No socket is opened. */
export async function createTestApp(opts: TestContextOptions = {}): Promise<TestApp> {
  const t = await createTestContext(opts)
  const app = createHttpApp(t.ctx)
  const token = async (id: UserId) =>
    (await createSession(t.ctx.db, id, t.clock.now(), t.ctx.options.sessionTtlMs)).token
  const admin = await createUser(
    t.ctx.db,
    { username: 'admin', password: 'admin-password', isAdmin: true },
    t.clock,
  )
  const adminToken = await token(admin.id)
  let projects = 0
  return {
    ...t,
    app,
    admin,
    adminToken,
    async request(method, path, opts = {}) {
      const headers = new Headers(opts.headers)
      if (opts.token !== undefined) headers.set('authorization', `Bearer ${opts.token}`)
      let body: string | undefined
      if (typeof opts.body === 'string') body = opts.body
      else if (opts.body !== undefined) {
        body = JSON.stringify(opts.body)
        headers.set('content-type', 'application/json')
      }
      const res = await app.request(path, { method, headers, body })
      const text = await res.text()
      const json = res.headers.get('content-type')?.includes('application/json')
      return { status: res.status, headers: res.headers, body: json ? JSON.parse(text) : text }
    },
    async user(username, o = {}) {
      const user = await createUser(
        t.ctx.db,
        { username, password: 'password-123', isAdmin: o.isAdmin ?? false },
        t.clock,
      )
      return { ...user, token: await token(user.id) }
    },
    async users(prefix, count) {
      const hash = await hashPassword('password-123')
      const out: Array<User & { token: string }> = []
      for (let i = 0; i < count; i++) {
        const row = {
          id: newUserId(),
          username: `${prefix}${i}`,
          display_name: `${prefix}${i}`,
          password_hash: hash,
          is_admin: 0,
          created_at: t.clock.now(),
        }
        await t.ctx.db.insertInto('users').values(row).execute()
        const user = toUser(row)
        out.push({ ...user, token: await token(user.id) })
      }
      return out
    },
    async project(o = {}) {
      return createProject(
        t.ctx.db,
        {
          ...(o.id !== undefined ? { id: o.id } : { id: `proj${++projects}` }),
          name: 'Test project',
          description: '',
          labelSchema: {
            kind: 'single',
            ordered: false,
            labels: ['a', 'b', 'c'].map((id) => ({ id, name: id.toUpperCase() })),
          },
          overlap: o.overlap ?? 2,
          blind: o.blind ?? true,
          annotatorsEditBooklet: false,
        },
        t.clock,
        admin.id,
      )
    },
    async member(project, user, role) {
      await setMember(t.ctx.db, project.id, user.id, role, t.clock.now())
    },
  }
}

export interface ModelApp {
  readonly models: ModelService
  /** The HTTP app with the model routes. */
  readonly app: Hono<AppEnv>
  /** `app.request` as the admin, with a raw RequestInit (multipart uploads included). */
  readonly asAdmin: (path: string, init?: RequestInit) => Promise<Response>
}

/** A ModelService over the test context and the HTTP app that serves it; close `models` first. */
export function withModels(t: TestApp): ModelApp {
  const models = new ModelService(t.ctx)
  const app = createHttpApp({ ...t.ctx, models })
  const asAdmin = (path: string, init: RequestInit = {}) =>
    Promise.resolve(
      app.request(path, {
        ...init,
        headers: { authorization: `Bearer ${t.adminToken}`, ...(init.headers ?? {}) },
      }),
    )
  return { models, app, asAdmin }
}
