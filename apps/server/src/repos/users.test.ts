import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ZodError } from 'zod'
import { verifyPassword } from '../auth/passwords'
import { createTestContext, type TestContext } from '../testing/test-context'
import { asUserId } from '@concord/core'
import { createSession, resolveSession } from '../auth/sessions'
import {
  createUser,
  findUserByUsername,
  getUser,
  listUsers,
  resolveUsers,
  setUserDisabled,
  setUserPassword,
} from './users'

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
      disabledAt: null,
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
    for (const password of ['short', '          ', 'Password123', 'qwertyuiop']) {
      await expect(
        createUser(t.ctx.db, { username: 'cy', password }, t.clock),
      ).rejects.toBeInstanceOf(ZodError)
    }
    expect(await findUserByUsername(t.ctx.db, 'cy')).toBeUndefined()
  })

  it('disables and enables; a disabled user has no live session', async () => {
    const al = await createUser(t.ctx.db, { username: 'al', password: 'password-1' }, t.clock)
    const { token } = await createSession(t.ctx.db, al.id, t.clock.now(), 60_000)
    expect(await resolveSession(t.ctx.db, token, t.clock.now())).toMatchObject({ id: al.id })
    expect(await setUserDisabled(t.ctx.db, al.id, t.clock.now())).toBe(true)
    expect((await getUser(t.ctx.db, al.id))?.disabledAt).toBe(t.clock.now())
    expect(await resolveSession(t.ctx.db, token, t.clock.now())).toBeUndefined()
    expect(await setUserDisabled(t.ctx.db, al.id, null)).toBe(true)
    expect((await getUser(t.ctx.db, al.id))?.disabledAt).toBeNull()
    expect(await setUserDisabled(t.ctx.db, asUserId('u_nobody'), null)).toBe(false)
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
    await expect(setUserPassword(t.ctx.db, al.id, 'iloveyou')).rejects.toBeInstanceOf(ZodError)
    expect(await setUserPassword(t.ctx.db, al.id, 'new-password')).toBe(true)
    expect(
      await verifyPassword(
        'new-password',
        (await findUserByUsername(t.ctx.db, 'al'))!.passwordHash,
      ),
    ).toBe(true)
  })
})
