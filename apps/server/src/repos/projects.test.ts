import { asProjectId, ConcordError } from '@concord/core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestContext, type TestContext } from '../testing/test-context'
import { listMembers } from './members'
import { createProject, getProject, updateProject } from './projects'
import { createUser } from './users'

const labelSchema = {
  kind: 'single' as const,
  ordered: false,
  labels: [
    { id: 'a', name: 'A' },
    { id: 'b', name: 'B' },
  ],
}

describe('projects repository', () => {
  let t: TestContext
  beforeEach(async () => {
    t = await createTestContext()
  })
  afterEach(() => t.close())

  const input = {
    name: 'P',
    description: '',
    labelSchema,
    overlap: 2,
    blind: true,
    annotatorsEditBooklet: false,
  }

  it('creates with a random p_ id, the creator as admin member; getProject parses it back', async () => {
    const lead = await createUser(t.ctx.db, { username: 'lead', password: 'password-1' }, t.clock)
    const p = await createProject(t.ctx.db, input, t.clock, lead.id)
    expect(p.id).toMatch(/^p_[a-z0-9]{10}$/)
    expect(await getProject(t.ctx.db, p.id)).toEqual({
      id: p.id,
      name: 'P',
      description: '',
      labelSchema,
      overlap: 2,
      blind: true,
      annotatorsEditBooklet: false,
      allowRemoteMedia: false,
      createdAt: t.clock.now(),
      updatedAt: t.clock.now(),
    })
    expect((await listMembers(t.ctx.db, p.id)).map((m) => [m.username, m.role])).toEqual([
      ['lead', 'admin'],
    ])
    expect(await getProject(t.ctx.db, 'nope')).toBeUndefined()
  })

  it('refuses a taken id with 409', async () => {
    await createProject(t.ctx.db, { ...input, id: 'x' }, t.clock)
    await expect(createProject(t.ctx.db, { ...input, id: 'x' }, t.clock)).rejects.toMatchObject({
      code: 'conflict',
      details: [{ path: 'id', message: 'taken' }],
    })
  })

  it('updates only the given fields and bumps updatedAt', async () => {
    const p = await createProject(t.ctx.db, { ...input, id: 'u' }, t.clock)
    t.clock.advance(5)
    const u = await updateProject(
      t.ctx.db,
      p.id,
      { overlap: 4, annotatorsEditBooklet: true },
      t.clock,
    )
    expect(u).toEqual({ ...p, overlap: 4, annotatorsEditBooklet: true, updatedAt: p.updatedAt + 5 })
    await expect(
      updateProject(t.ctx.db, asProjectId('ghost'), { name: 'x' }, t.clock),
    ).rejects.toBeInstanceOf(ConcordError)
  })

  it('a stored schema that no longer parses fails loudly on read', async () => {
    await createProject(t.ctx.db, { ...input, id: 'bad' }, t.clock)
    await t.ctx.db
      .updateTable('projects')
      .set({ label_schema: '{"kind":"single","labels":[]}' })
      .execute()
    await expect(getProject(t.ctx.db, 'bad')).rejects.toThrow(/at least two labels/)
  })
})
