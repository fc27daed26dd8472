import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ZodError } from 'zod'
import { verifyPassword } from '../auth/passwords'
import { createTestContext, type TestContext } from '../testing/test-context'
import { createUser, findUserByUsername, listUsers, resolveUsers, setUserPassword } from './users'

describe('users repository', () => {
  let t: TestContext
  beforeEach(async () => {
    t = await createTestContext()
  })
  afterEach(() => t.close())

  it('creates users with random u_ ids and scrypt hashes, lists them by username', async () => {
    const [bo, al] = await Promise.all([
      createUser(t.ctx.db, { username: 'bo', password: 'password-1', isAdmin: true }, t.clock),
      createUser(
        t.ctx.db,
        { username: 'al', displayName: 'Al A.', password: 'password-2' },
        t.clock,
      ),
    ])
    expect(bo).toEqual({
      id: bo.id,
      username: 'bo',
      displayName: 'bo',
      isAdmin: true,
      createdAt: t.clock.now(),
    })
    expect(bo.id).toMatch(/^u_[a-z0-9]{12}$/)
    expect(al.id).not.toBe(bo.id)
    expect((await listUsers(t.ctx.db)).map((u) => u.username)).toEqual(['al', 'bo'])
    const stored = await findUserByUsername(t.ctx.db, 'al')
    expect(await verifyPassword('password-2', stored!.passwordHash)).toBe(true)
  })

  it('refuses a taken username (409) and invalid input (zod)', async () => {
    await createUser(t.ctx.db, { username: 'al', password: 'password-1' }, t.clock)
    await expect(
      createUser(t.ctx.db, { username: 'al', password: 'password-1' }, t.clock),
    ).rejects.toMatchObject({
      code: 'conflict',
    })
    await expect(
      createUser(t.ctx.db, { username: 'a b', password: 'password-1' }, t.clock),
    ).rejects.toBeInstanceOf(ZodError)
    await expect(
      createUser(t.ctx.db, { username: 'cy', password: 'short' }, t.clock),
    ).rejects.toBeInstanceOf(ZodError)
  })

  it('resolves user ids and usernames; resets passwords', async () => {
    const al = await createUser(t.ctx.db, { username: 'al', password: 'password-1' }, t.clock)
    const map = await resolveUsers(t.ctx.db, ['al', al.id, 'nobody'])
    expect([...map.entries()].sort()).toEqual(
      [
        ['al', al.id],
        [al.id, al.id],
      ].sort(),
    )
    expect(await setUserPassword(t.ctx.db, al.id, 'new-password')).toBe(true)
    expect(
      await verifyPassword(
        'new-password',
        (await findUserByUsername(t.ctx.db, 'al'))!.passwordHash,
      ),
    ).toBe(true)
  })
})
