import { afterEach, describe, expect, it } from 'vitest'
import { insertItems } from '../../repos/items'
import { createTestApp, type TestApp } from '../../testing/test-app'

let t: TestApp | undefined
afterEach(async () => {
  await t?.close()
  t = undefined
})

async function setup() {
  t = await createTestApp()
  const project = await t.project({ id: 'flags' })
  await insertItems(t.ctx.db, project.id, [{ externalId: 'e1', text: 'one', metadata: {} }], 0)
  const [ann, rev, outsider] = await t.users('f', 3)
  await t.member(project, ann!, 'annotator')
  await t.member(project, rev!, 'reviewer')
  const items = await t.request('GET', '/api/projects/flags/items', { token: t.adminToken })
  return {
    app: t,
    itemId: String(items.body.items[0].id),
    ann: ann!,
    rev: rev!,
    outsider: outsider!,
  }
}

describe('flag as ambiguous', () => {
  it('an annotator flags an item with a note; reviewers list it; unflagging removes it', async () => {
    const { app, itemId, ann, rev } = await setup()
    const flagged = await app.request('POST', `/api/projects/flags/items/${itemId}/flag`, {
      token: ann.token,
      body: { note: 'spam or marketing?' },
    })
    expect(flagged.status).toBe(201)
    const list = await app.request('GET', '/api/projects/flags/flags', { token: rev.token })
    expect(list.body.flags).toEqual([
      expect.objectContaining({
        itemId,
        externalId: 'e1',
        userId: ann.id,
        note: 'spam or marketing?',
      }),
    ])
    const removed = await app.request('DELETE', `/api/projects/flags/items/${itemId}/flag`, {
      token: ann.token,
    })
    expect(removed.body).toEqual({ removed: true })
    expect(
      (await app.request('GET', '/api/projects/flags/flags', { token: rev.token })).body.flags,
    ).toEqual([])
  })

  it.each([
    ['annotators cannot list flags', 'ann', 'GET', '/api/projects/flags/flags', 403],
    ['non-members get 404', 'outsider', 'POST', '/api/projects/flags/items/ITEM/flag', 404],
    ['unknown items get 404', 'ann', 'POST', '/api/projects/flags/items/99999/flag', 404],
    ['no token gets 401', 'none', 'POST', '/api/projects/flags/items/ITEM/flag', 401],
  ] as const)('%s', async (_name, who, method, path, status) => {
    const s = await setup()
    const token = who === 'none' ? undefined : s[who].token
    const res = await s.app.request(method, path.replace('ITEM', s.itemId), token ? { token } : {})
    expect(res.status).toBe(status)
    expect(res.body.error.message).toBeTruthy()
  })

  it('rejects a note that is not a string, with its path', async () => {
    const { app, itemId, ann } = await setup()
    const res = await app.request('POST', `/api/projects/flags/items/${itemId}/flag`, {
      token: ann.token,
      body: { note: 42 },
    })
    expect(res.status).toBe(400)
    expect(res.body.error.details[0].path).toBe('note')
  })
})
