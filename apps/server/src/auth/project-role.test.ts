import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../testing/test-app'
import { projectRole } from './project-role'

describe('projectRole', () => {
  let t: TestApp
  beforeEach(async () => {
    t = await createTestApp()
  })
  afterEach(() => t.close())

  it('is admin for a global admin, the members row otherwise', async () => {
    const p = await t.project()
    const [root, rev, outsider] = await Promise.all([
      t.user('root', { isAdmin: true }),
      t.user('rev'),
      t.user('outsider'),
    ])
    await t.member(p, rev, 'reviewer')
    expect(await projectRole(t.ctx.db, p.id, root)).toBe('admin')
    expect(await projectRole(t.ctx.db, p.id, rev)).toBe('reviewer')
    expect(await projectRole(t.ctx.db, p.id, outsider)).toBeUndefined()
  })
})
