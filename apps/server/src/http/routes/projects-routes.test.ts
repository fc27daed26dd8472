import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../testing/test-app'

const schema = { kind: 'single', labels: ['pos', 'neg'].map((id) => ({ id, name: id })) }

describe('/api/projects and /api/users: who may do what', () => {
  let t: TestApp
  beforeEach(async () => {
    t = await createTestApp()
  })
  afterEach(() => t.close())

  it('an admin creates a project with defaults, a random id or the one given', async () => {
    const res = await t.request('POST', '/api/projects', {
      token: t.adminToken,
      body: { name: 'Reviews', labelSchema: schema },
    })
    expect(res.status).toBe(201)
    expect(res.body.project).toMatchObject({
      name: 'Reviews',
      description: '',
      overlap: 2,
      blind: true,
      annotatorsEditBooklet: false,
      labelSchema: { kind: 'single', ordered: false },
      role: 'admin',
      itemCount: 0,
    })
    expect(res.body.project.id).toMatch(/^p_[a-z0-9]{10}$/)

    const given = await t.request('POST', '/api/projects', {
      token: t.adminToken,
      body: { id: 'mine', name: 'M', labelSchema: schema, overlap: 3 },
    })
    expect(given.body.project).toMatchObject({ id: 'mine', overlap: 3 })
    const again = await t.request('POST', '/api/projects', {
      token: t.adminToken,
      body: { id: 'mine', name: 'M', labelSchema: schema },
    })
    expect(again.status).toBe(409)
    expect(again.body.error.code).toBe('conflict')
  })

  it('an annotator cannot create projects or users (403)', async () => {
    const ann = await t.user('ann')
    const p = await t.request('POST', '/api/projects', {
      token: ann.token,
      body: { name: 'X', labelSchema: schema },
    })
    expect(p.status).toBe(403)
    expect(p.body.error.code).toBe('forbidden')
    const u = await t.request('POST', '/api/users', {
      token: ann.token,
      body: { username: 'eve', password: 'password-123' },
    })
    expect(u.status).toBe(403)
    expect((await t.request('GET', '/api/users', { token: ann.token })).status).toBe(403)
  })

  it('a non-member gets 404 for every project route and sees no data', async () => {
    const p = await t.project({ id: 'secret' })
    const outsider = await t.user('outsider')
    const routes: Array<[string, string, unknown?]> = [
      ['GET', '/api/projects/secret'],
      ['PATCH', '/api/projects/secret', { name: 'mine now' }],
      ['GET', '/api/projects/secret/members'],
      ['PUT', `/api/projects/secret/members/${outsider.id}`, { role: 'admin' }],
      ['GET', '/api/projects/secret/items'],
      ['GET', '/api/projects/secret/items/1'],
      ['GET', '/api/projects/secret/queue'],
      ['POST', '/api/projects/secret/items/import?format=csv', 'id,text\n1,x\n'],
      ['POST', '/api/projects/secret/labels/import', 'item,annotator,label\n'],
    ]
    for (const [method, path, body] of routes) {
      const res = await t.request(method, path, { token: outsider.token, body })
      expect({ path, status: res.status }).toEqual({ path, status: 404 })
      expect(res.body.error.message).toBe("no project 'secret'")
      // Exactly what a project that does not exist answers.
      const ghost = await t.request(method, path.replace('secret', 'ghost'), {
        token: outsider.token,
        body,
      })
      expect(ghost.body.error.message).toBe("no project 'ghost'")
    }
    const list = await t.request('GET', '/api/projects', { token: outsider.token })
    expect(list.body).toEqual({ projects: [] })
    expect(
      await t.ctx.db.selectFrom('members').selectAll().where('user_id', '=', outsider.id).execute(),
    ).toEqual([])
    expect((await t.request('GET', `/api/projects/${p.id}`, { token: t.adminToken })).status).toBe(
      200,
    )
  })

  it('members read; only project admins change settings, members and imports (403)', async () => {
    const p = await t.project({ id: 'work' })
    const [ann, rev, lead] = await Promise.all([t.user('ann'), t.user('rev'), t.user('lead')])
    await t.member(p, ann, 'annotator')
    await t.member(p, rev, 'reviewer')
    await t.member(p, lead, 'admin')
    for (const who of [ann, rev]) {
      expect((await t.request('GET', '/api/projects/work', { token: who.token })).status).toBe(200)
      for (const [method, path, body] of [
        ['PATCH', '/api/projects/work', { name: 'x' }],
        ['GET', '/api/projects/work/members', undefined],
        ['POST', '/api/projects/work/items/import', 'id,text\n1,x\n'],
      ] as const) {
        const res = await t.request(method, path, { token: who.token, body })
        expect(res.status).toBe(403)
        expect(res.body.error.message).toMatch(/needs the role admin/)
      }
    }
    const patched = await t.request('PATCH', '/api/projects/work', {
      token: lead.token,
      body: { name: 'Renamed', overlap: 3, blind: false },
    })
    expect(patched.status).toBe(200)
    expect(patched.body.project).toMatchObject({
      name: 'Renamed',
      overlap: 3,
      blind: false,
      role: 'admin',
    })
  })

  it('lists the caller’s projects with role and progress', async () => {
    const a = await t.project({ id: 'a', overlap: 2 })
    await t.project({ id: 'b' })
    const ann = await t.user('ann')
    await t.member(a, ann, 'annotator')
    await t.request('POST', '/api/projects/a/items/import', {
      token: t.adminToken,
      body: 'id,text\n1,one\n2,two\n3,three\n',
    })
    // Two labels on item 1 (complete at K=2), one on item 2: what the projection would write.
    const items = await t.ctx.db
      .selectFrom('items')
      .select(['id', 'external_id'])
      .orderBy('id')
      .execute()
    const [i1, i2] = items
    await t.ctx.db
      .insertInto('annotations')
      .values([
        {
          project_id: 'a',
          item_id: i1!.id,
          annotator_id: ann.id,
          value: 'a',
          unsure: 0,
          note: '',
          updated_at: 0,
        },
        {
          project_id: 'a',
          item_id: i1!.id,
          annotator_id: t.admin.id,
          value: 'b',
          unsure: 0,
          note: '',
          updated_at: 0,
        },
        {
          project_id: 'a',
          item_id: i2!.id,
          annotator_id: t.admin.id,
          value: 'a',
          unsure: 0,
          note: '',
          updated_at: 0,
        },
      ])
      .execute()
    await t.ctx.db.updateTable('items').set({ label_count: 2 }).where('id', '=', i1!.id).execute()
    await t.ctx.db.updateTable('items').set({ label_count: 1 }).where('id', '=', i2!.id).execute()

    const mine = await t.request('GET', '/api/projects', { token: ann.token })
    expect(mine.body.projects).toHaveLength(1)
    expect(mine.body.projects[0]).toMatchObject({
      id: 'a',
      role: 'annotator',
      itemCount: 3,
      completeCount: 1,
      labelCount: 3,
      myLabelCount: 1,
    })
    const all = await t.request('GET', '/api/projects', { token: t.adminToken })
    expect(
      all.body.projects.map((p: { id: string; role: string }) => [p.id, p.role]).sort(),
    ).toEqual([
      ['a', 'admin'],
      ['b', 'admin'],
    ])
  })

  it('a schema change may not drop labels in use', async () => {
    const p = await t.project({ id: 's' })
    await t.request('POST', '/api/projects/s/items/import', {
      token: t.adminToken,
      body: 'id,text\n1,x\n',
    })
    const item = await t.ctx.db.selectFrom('items').select('id').executeTakeFirstOrThrow()
    await t.ctx.db
      .insertInto('annotations')
      .values({
        project_id: p.id,
        item_id: item.id,
        annotator_id: t.admin.id,
        value: 'c',
        unsure: 0,
        note: '',
        updated_at: 0,
      })
      .execute()
    const drop = await t.request('PATCH', '/api/projects/s', {
      token: t.adminToken,
      body: {
        labelSchema: {
          kind: 'single',
          labels: [
            { id: 'a', name: 'A' },
            { id: 'b', name: 'B' },
          ],
        },
      },
    })
    expect(drop.status).toBe(409)
    expect(drop.body.error.message).toBe("labels in use cannot be removed: 'c'")
    const add = await t.request('PATCH', '/api/projects/s', {
      token: t.adminToken,
      body: {
        labelSchema: {
          kind: 'single',
          labels: ['a', 'b', 'c', 'd'].map((id) => ({ id, name: id })),
        },
      },
    })
    expect(add.status).toBe(200)
    expect(add.body.project.labelSchema.labels).toHaveLength(4)
  })
})

describe('/api/users and members', () => {
  let t: TestApp
  beforeEach(async () => {
    t = await createTestApp()
  })
  afterEach(() => t.close())

  it('admins create and list users; duplicate usernames are 409', async () => {
    const res = await t.request('POST', '/api/users', {
      token: t.adminToken,
      body: { username: 'ana', displayName: 'Ana B.', password: 'password-123' },
    })
    expect(res.status).toBe(201)
    expect(res.body.user).toMatchObject({ username: 'ana', displayName: 'Ana B.', isAdmin: false })
    expect(res.body.user.id).toMatch(/^u_[a-z0-9]{12}$/)
    expect(JSON.stringify(res.body)).not.toContain('scrypt')
    const dup = await t.request('POST', '/api/users', {
      token: t.adminToken,
      body: { username: 'ana', password: 'password-123' },
    })
    expect(dup.status).toBe(409)
    const short = await t.request('POST', '/api/users', {
      token: t.adminToken,
      body: { username: 'bo', password: 'short' },
    })
    expect(short.status).toBe(400)
    expect(short.body.error.details[0].path).toBe('password')
    const list = await t.request('GET', '/api/users', { token: t.adminToken })
    expect(list.body.users.map((u: { username: string }) => u.username)).toEqual(['admin', 'ana'])
    // The new account can log in.
    const login = await t.request('POST', '/api/auth/login', {
      body: { username: 'ana', password: 'password-123' },
    })
    expect(login.status).toBe(200)
  })

  it('project admins add, change and remove members', async () => {
    const p = await t.project({ id: 'm' })
    const ann = await t.user('ann')
    const put = await t.request('PUT', `/api/projects/m/members/${ann.id}`, {
      token: t.adminToken,
      body: { role: 'annotator' },
    })
    expect(put.status).toBe(200)
    expect(put.body.member).toMatchObject({ userId: ann.id, username: 'ann', role: 'annotator' })
    await t.request('PUT', `/api/projects/m/members/${ann.id}`, {
      token: t.adminToken,
      body: { role: 'reviewer' },
    })
    const list = await t.request('GET', '/api/projects/m/members', { token: t.adminToken })
    expect(
      list.body.members.map((m: { username: string; role: string }) => [m.username, m.role]),
    ).toEqual([
      ['admin', 'admin'],
      ['ann', 'reviewer'],
    ])
    const bad = await t.request('PUT', `/api/projects/m/members/${ann.id}`, {
      token: t.adminToken,
      body: { role: 'owner' },
    })
    expect(bad.status).toBe(400)
    expect(bad.body.error.details[0].path).toBe('role')
    const ghost = await t.request('PUT', '/api/projects/m/members/u_nobody', {
      token: t.adminToken,
      body: { role: 'annotator' },
    })
    expect(ghost.status).toBe(404)
    expect(
      (await t.request('DELETE', `/api/projects/m/members/${ann.id}`, { token: t.adminToken }))
        .status,
    ).toBe(204)
    expect(
      (await t.request('DELETE', `/api/projects/m/members/${ann.id}`, { token: t.adminToken }))
        .status,
    ).toBe(404)
    expect((await t.request('GET', `/api/projects/${p.id}`, { token: ann.token })).status).toBe(404)
  })
})
