import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Project } from '../../repos/projects'
import { createTestApp, type TestApp } from '../../testing/test-app'

describe('/api/projects/:id/items', () => {
  let t: TestApp
  let p: Project
  beforeEach(async () => {
    t = await createTestApp()
    p = await t.project({ id: 'items' })
    const rows = ['id,text,lang']
    for (let i = 0; i < 250; i++)
      rows.push(`ext-${String(i).padStart(3, '0')},"text ${i}",${i % 2 ? 'en' : 'de'}`)
    rows.push('special,"50% off_sale\\now",en')
    const res = await t.request('POST', '/api/projects/items/items/import?format=csv', {
      token: t.adminToken,
      body: rows.join('\n'),
    })
    expect(res.body).toEqual({ imported: 251 })
  })
  afterEach(() => t.close())

  it('pages through every item once, in id order, by keyset cursor', async () => {
    const seen: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const q: string = cursor ? `&cursor=${cursor}` : ''
      const res = await t.request('GET', `/api/projects/items/items?limit=100${q}`, {
        token: t.adminToken,
      })
      expect(res.status).toBe(200)
      seen.push(...res.body.items.map((i: { externalId: string }) => i.externalId))
      cursor = res.body.nextCursor
      pages++
    } while (cursor !== null)
    expect(pages).toBe(3)
    expect(seen).toHaveLength(251)
    expect(new Set(seen).size).toBe(251)
    expect(seen[0]).toBe('ext-000')
  })

  it('serves items with their metadata, and one item by id', async () => {
    const list = await t.request('GET', '/api/projects/items/items?limit=1', {
      token: t.adminToken,
    })
    const first = list.body.items[0]
    expect(first).toMatchObject({
      externalId: 'ext-000',
      text: 'text 0',
      mediaUrl: null,
      metadata: { lang: 'de' },
      labelCount: 0,
    })
    expect(first.id).toMatch(/^[1-9][0-9]*$/)
    const one = await t.request('GET', `/api/projects/items/items/${first.id}`, {
      token: t.adminToken,
    })
    expect(one.body.item).toEqual(first)
    for (const bad of ['999999', 'abc', '0']) {
      const res = await t.request('GET', `/api/projects/items/items/${bad}`, {
        token: t.adminToken,
      })
      expect(res.status).toBe(404)
    }
  })

  it('filters by text (LIKE wildcards are literal) and by labelled', async () => {
    const q = async (query: string) =>
      (
        await t.request('GET', `/api/projects/items/items?limit=1000&${query}`, {
          token: t.adminToken,
        })
      ).body
    expect((await q('q=text%2024')).items.map((i: { text: string }) => i.text)).toEqual([
      'text 24',
      'text 240',
      'text 241',
      'text 242',
      'text 243',
      'text 244',
      'text 245',
      'text 246',
      'text 247',
      'text 248',
      'text 249',
    ])
    expect((await q('q=50%25')).items).toHaveLength(1)
    expect((await q('q=_')).items.map((i: { externalId: string }) => i.externalId)).toEqual([
      'special',
    ])
    expect((await q('q=EXT-249')).items).toHaveLength(1)

    const ann = await t.user('ann')
    await t.member(p, ann, 'annotator')
    const item = await t.ctx.db
      .selectFrom('items')
      .select('id')
      .where('external_id', '=', 'ext-007')
      .executeTakeFirstOrThrow()
    await t.ctx.db
      .insertInto('annotations')
      .values({
        project_id: p.id,
        item_id: item.id,
        annotator_id: ann.id,
        value: 'a',
        unsure: 0,
        note: '',
        updated_at: 0,
      })
      .execute()
    await t.ctx.db.updateTable('items').set({ label_count: 1 }).where('id', '=', item.id).execute()
    expect(
      (await q('labelled=yes')).items.map((i: { externalId: string }) => i.externalId),
    ).toEqual(['ext-007'])
    expect((await q('labelled=no')).items).toHaveLength(250)
    expect((await q(`annotator=${ann.id}`)).items).toHaveLength(1)
    expect((await q(`annotator=${ann.id}&labelled=no`)).items).toHaveLength(250)
    expect((await q(`annotator=${t.admin.id}`)).items).toHaveLength(0)

    // In a blind project an annotator may not ask about another annotator.
    const own = await t.request('GET', `/api/projects/items/items?annotator=${ann.id}`, {
      token: ann.token,
    })
    expect(own.status).toBe(200)
    const other = await t.request('GET', `/api/projects/items/items?annotator=${t.admin.id}`, {
      token: ann.token,
    })
    expect(other.status).toBe(403)
    // Nor whether anyone labelled an item, nor how many people did.
    const anyone = await t.request('GET', '/api/projects/items/items?labelled=yes', {
      token: ann.token,
    })
    expect(anyone.status).toBe(403)
    expect(own.body.items[0]).not.toHaveProperty('labelCount')
    const one = await t.request('GET', `/api/projects/items/items/${item.id}`, { token: ann.token })
    expect(one.body.item).toEqual(expect.objectContaining({ externalId: 'ext-007' }))
    expect(one.body.item).not.toHaveProperty('labelCount')
    const admin = await t.request('GET', `/api/projects/items/items/${item.id}`, {
      token: t.adminToken,
    })
    expect(admin.body.item.labelCount).toBe(1)
  })

  it('validates the query', async () => {
    for (const query of ['limit=0', 'limit=1001', 'limit=x', 'cursor=abc', 'labelled=maybe']) {
      const res = await t.request('GET', `/api/projects/items/items?${query}`, {
        token: t.adminToken,
      })
      expect({ query, status: res.status }).toEqual({ query, status: 400 })
      expect(res.body.error.details[0].path).toBe(query.split('=')[0])
    }
  })
})
