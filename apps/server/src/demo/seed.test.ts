import { readFileSync } from 'node:fs'
import { labelSchemaSchema, parseBookletMarkdown, readBookletFromDoc } from '@concord/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { verifyPassword } from '../auth/passwords'
import { createMemoryLogger } from '../logger'
import { createLogDocWriter } from '../sync/log-doc-writer'
import { createTestContext, type TestContext } from '../testing/test-context'
import { loadDemoCorpus, type DemoEmail } from './demo-corpus'
import { DEMO_BOOKLET_FILE, seedFirstStart } from './seed'

let corpus: DemoEmail[] | undefined
const loadCorpus = () => (corpus ??= loadDemoCorpus())

const open: TestContext[] = []
afterEach(async () => {
  vi.unstubAllEnvs()
  for (const t of open.splice(0)) await t.close()
})

/** A real SQLite file and the sync layer's log writer, as `concord serve` has them. */
async function context(options: { seedDemo?: boolean; adminPassword?: string } = {}) {
  const t = await createTestContext({
    options: { seedDemo: true, ...options },
    docs: ({ database, clock }) =>
      createLogDocWriter(database.db, clock, createMemoryLogger(), database.durable),
  })
  open.push(t)
  return t
}

async function count(t: TestContext, table: 'users' | 'projects' | 'items' | 'members') {
  const row = await t.ctx.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

describe('seedFirstStart', () => {
  it('creates the admin, the demo team and the demo project once', async () => {
    vi.stubEnv('CONCORD_DEMO_PASSWORD', '')
    const t = await context()
    const first = await seedFirstStart(t.ctx, { loadCorpus })
    const second = await seedFirstStart(t.ctx, { loadCorpus })

    expect(first.adminCreated?.username).toBe('admin')
    const adminPassword = first.adminCreated?.password ?? ''
    expect(adminPassword).toMatch(/^[A-Za-z0-9]{16}$/)
    expect(first.demoProjectId).toBe('demo')
    expect(first.demoItems).toBe(300)
    expect(first.demoUsersCreated?.usernames).toEqual(['ana', 'ben', 'rita'])
    const demoPassword = first.demoUsersCreated?.password ?? ''
    expect(demoPassword).toMatch(/^[A-Za-z0-9]{16}$/)
    expect(demoPassword).not.toBe(adminPassword)
    expect(second).toEqual({})

    expect(await count(t, 'users')).toBe(4)
    expect(await count(t, 'projects')).toBe(1)
    expect(await count(t, 'items')).toBe(300)
    expect(await count(t, 'members')).toBe(4)

    const users = await t.ctx.db
      .selectFrom('users')
      .select(['username', 'display_name', 'is_admin', 'password_hash'])
      .orderBy('username')
      .execute()
    expect(users.map((u) => [u.username, u.display_name, u.is_admin])).toEqual([
      ['admin', 'Administrator', 1],
      ['ana', 'Ana', 0],
      ['ben', 'Ben', 0],
      ['rita', 'Rita', 0],
    ])
    const hash = (name: string) => users.find((u) => u.username === name)?.password_hash ?? ''
    expect(await verifyPassword(adminPassword, hash('admin'))).toBe(true)
    expect(await verifyPassword(demoPassword, hash('ana'))).toBe(true)
    expect(await verifyPassword(demoPassword, hash('rita'))).toBe(true)
    expect(hash('ana')).not.toBe(hash('ben')) // one password, separate salts

    const project = await t.ctx.db
      .selectFrom('projects')
      .selectAll()
      .where('id', '=', 'demo')
      .executeTakeFirstOrThrow()
    expect(project).toMatchObject({ name: 'Email triage', overlap: 2, blind: 1 })
    expect(project.annotators_edit_booklet).toBe(0)
    const schema = labelSchemaSchema.parse(JSON.parse(project.label_schema))
    expect(schema.kind).toBe('single')
    expect(schema.labels.map((l) => l.id)).toEqual(['spam', 'marketing', 'personal'])
    expect(schema.labels[0]?.description).toMatch(/^Unsolicited bulk mail/)

    const members = await t.ctx.db
      .selectFrom('members')
      .innerJoin('users', 'users.id', 'members.user_id')
      .select(['users.username', 'members.role'])
      .where('members.project_id', '=', 'demo')
      .orderBy('users.username')
      .execute()
    expect(members.map((m) => [m.username, m.role])).toEqual([
      ['admin', 'admin'],
      ['ana', 'annotator'],
      ['ben', 'annotator'],
      ['rita', 'reviewer'],
    ])

    const items = await t.ctx.db
      .selectFrom('items')
      .select(['external_id', 'text', 'metadata'])
      .orderBy('id')
      .execute()
    expect(items.map((i) => i.external_id)).toEqual(loadCorpus().map((e) => e.externalId))
    expect(JSON.parse(items[0]?.metadata ?? '{}')).toEqual(loadCorpus()[0]?.metadata)
  })

  it('fills the booklet document from booklet/demo.md, persisted in the update log', async () => {
    const t = await context()
    await seedFirstStart(t.ctx, { loadCorpus })
    await seedFirstStart(t.ctx, { loadCorpus })
    const expected = parseBookletMarkdown(readFileSync(DEMO_BOOKLET_FILE, 'utf8'))
    expect(await t.ctx.docs.read('booklet/demo', readBookletFromDoc)).toEqual(expected)

    // A fresh writer reads the document back from the log alone.
    const fresh = createLogDocWriter(t.ctx.db, t.clock, createMemoryLogger(), t.database.durable)
    try {
      expect(await fresh.read('booklet/demo', readBookletFromDoc)).toEqual(expected)
      const examples = await fresh.read('booklet/demo', (doc) => doc.getArray('examples').toJSON())
      expect(examples[0]).toMatchObject({ addedAt: t.clock.now() })
    } finally {
      await fresh.close()
    }
  })

  it('uses the configured passwords and does not return them', async () => {
    const t = await context({ adminPassword: 'correct horse battery' })
    const seeded = await seedFirstStart(t.ctx, { demoPassword: 'demo-password', loadCorpus })
    expect(seeded.adminCreated).toEqual({ username: 'admin' })
    expect(seeded.demoUsersCreated).toEqual({ usernames: ['ana', 'ben', 'rita'] })
    const ben = await t.ctx.db
      .selectFrom('users')
      .select('password_hash')
      .where('username', '=', 'ben')
      .executeTakeFirstOrThrow()
    expect(await verifyPassword('demo-password', ben.password_hash)).toBe(true)
  })

  it('refuses a configured password that is too short', async () => {
    const t = await context({ adminPassword: 'short' })
    await expect(seedFirstStart(t.ctx, { loadCorpus })).rejects.toThrow(
      /CONCORD_ADMIN_PASSWORD is refused: passwords have at least 8 characters/,
    )
    expect(await count(t, 'users')).toBe(0)
  })

  it('refuses a configured password that is blank or common', async () => {
    const blank = await context({ adminPassword: '          ' })
    await expect(seedFirstStart(blank.ctx, { loadCorpus })).rejects.toThrow(
      /CONCORD_ADMIN_PASSWORD is refused: a password cannot be only spaces/,
    )
    const common = await context({ adminPassword: 'correct horse battery' })
    await expect(
      seedFirstStart(common.ctx, { demoPassword: 'Password123', loadCorpus }),
    ).rejects.toThrow(/CONCORD_DEMO_PASSWORD is refused: this is one of the most common passwords/)
    expect(await count(common, 'projects')).toBe(0)
  })

  it('seeds no demo with seedDemo off, nor once the instance has projects', async () => {
    const off = await context({ seedDemo: false })
    const seeded = await seedFirstStart(off.ctx, { loadCorpus })
    expect(seeded.adminCreated?.username).toBe('admin')
    expect(seeded.demoProjectId).toBeUndefined()
    expect(await count(off, 'projects')).toBe(0)

    const busy = await context()
    const now = busy.clock.now()
    await busy.ctx.db
      .insertInto('projects')
      .values({
        id: 'mine',
        name: 'Mine',
        description: '',
        label_schema: JSON.stringify({ kind: 'single', ordered: false, labels: [] }),
        overlap: 1,
        blind: 1,
        annotators_edit_booklet: 0,
        created_at: now,
        updated_at: now,
      })
      .execute()
    expect((await seedFirstStart(busy.ctx, { loadCorpus })).demoProjectId).toBeUndefined()
    expect(await count(busy, 'projects')).toBe(1)
  })

  it('reuses demo accounts that already exist', async () => {
    const t = await context()
    await seedFirstStart({ ...t.ctx, options: { ...t.ctx.options, seedDemo: false } })
    await t.ctx.db
      .insertInto('users')
      .values({
        id: 'u_existingana',
        username: 'ana',
        display_name: 'Ana Existing',
        password_hash: 'x',
        is_admin: 0,
        created_at: 0,
      })
      .execute()
    const seeded = await seedFirstStart(t.ctx, { loadCorpus })
    expect(seeded.adminCreated).toBeUndefined()
    expect(seeded.demoUsersCreated?.usernames).toEqual(['ben', 'rita'])
    const role = await t.ctx.db
      .selectFrom('members')
      .select('role')
      .where('user_id', '=', 'u_existingana')
      .executeTakeFirstOrThrow()
    expect(role.role).toBe('annotator')
  })
})
