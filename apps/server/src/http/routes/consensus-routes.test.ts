import { afterEach, describe, expect, it } from 'vitest'
import { agreementFixture } from '../../agreement/test-fixture'
import { createTestApp, type TestApp } from '../../testing/test-app'

let t: TestApp | undefined
afterEach(async () => {
  await t?.close()
  t = undefined
})

describe('GET /api/projects/:id/consensus', () => {
  it('applies the documented rule to every item, in pages', async () => {
    t = await createTestApp()
    const { rev, id } = await agreementFixture(t)
    const token = rev.token
    const first = await t.request('GET', '/api/projects/agr/consensus?limit=4', { token })
    expect(first.status).toBe(200)
    const second = await t.request(
      'GET',
      `/api/projects/agr/consensus?limit=4&cursor=${first.body.nextCursor}`,
      {
        token,
      },
    )
    expect(second.body.nextCursor).toBeNull()
    const all = [...first.body.items, ...second.body.items]
    const row = (
      itemId: number,
      externalId: string,
      label: string | null,
      rule: string,
      votes: object,
      ties: string[],
    ) => ({
      itemId: String(itemId),
      externalId,
      label,
      rule,
      votes,
      ties,
    })
    expect(all).toEqual([
      row(id.e1!, 'e1', 'a', 'majority', { a: 3 }, []),
      row(id.e2!, 'e2', 'a', 'majority', { b: 1, a: 2 }, []),
      row(id.e3!, 'e3', null, 'none', { a: 1, b: 1, c: 1 }, ['a', 'b', 'c']),
      row(id.e4!, 'e4', 'b', 'majority', { b: 3 }, []),
      // Two labels, fewer than K = 3.
      row(id.e5!, 'e5', null, 'none', { a: 1, b: 1 }, ['a', 'b']),
      // c has the majority, but the adjudicated b wins.
      row(id.e6!, 'e6', 'b', 'adjudicated', { c: 2, b: 1 }, []),
      row(id.e7!, 'e7', null, 'none', {}, []),
    ])
  })

  it('follows a new label, and exports CSV', async () => {
    t = await createTestApp()
    const { users, id, project } = await agreementFixture(t)
    await t.ctx.db
      .insertInto('annotations')
      .values({
        project_id: project.id,
        item_id: id.e5!,
        annotator_id: users[2]!.id,
        value: 'b',
        unsure: 0,
        note: '',
        updated_at: 1,
      })
      .execute()
    const page = await t.request('GET', '/api/projects/agr/consensus', { token: t.adminToken })
    expect(page.body.items[4]).toMatchObject({ externalId: 'e5', label: 'b', rule: 'majority' })
    const csv = await t.request('GET', '/api/projects/agr/consensus.csv', { token: t.adminToken })
    expect(csv.headers.get('content-type')).toContain('text/csv')
    const lines = (csv.body as string).trim().split('\r\n')
    expect(lines[0]).toBe('item_id,external_id,label,rule,votes,ties')
    expect(lines).toHaveLength(8)
    expect(lines[3]).toBe(`${id.e3},e3,,none,a:1;b:1;c:1,a;b;c`)
  })

  it('is refused to an annotator while the project is blind, and open to her after', async () => {
    t = await createTestApp()
    const { users } = await agreementFixture(t)
    const token = users[3]!.token
    for (const path of ['/api/projects/agr/consensus', '/api/projects/agr/consensus.csv']) {
      const res = await t.request('GET', path, { token })
      expect(res.status).toBe(403)
      expect(res.body.error.message).toContain('blind')
    }
    await t.request('PATCH', '/api/projects/agr', { token: t.adminToken, body: { blind: false } })
    expect((await t.request('GET', '/api/projects/agr/consensus', { token })).status).toBe(200)
    expect((await t.request('GET', '/api/projects/agr/consensus.csv', { token })).status).toBe(200)
  })

  it('is for members only and checks the cursor', async () => {
    t = await createTestApp()
    await agreementFixture(t)
    const outsider = await t.user('outsider')
    expect(
      (await t.request('GET', '/api/projects/agr/consensus', { token: outsider.token })).status,
    ).toBe(404)
    const bad = await t.request('GET', '/api/projects/agr/consensus?cursor=x', {
      token: t.adminToken,
    })
    expect(bad.status).toBe(400)
  })
})
