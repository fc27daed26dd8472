import { asUserId, ConcordError } from '@concord/core'
import { Hono } from 'hono'
import { z } from 'zod'
import { disableUser, enableUser, resetPassword, revokeSessions } from '../../auth/account-life'
import type { ServerContext } from '../../context'
import {
  createUser,
  getUser,
  listUsers,
  newPasswordSchema,
  userCreateSchema,
} from '../../repos/users'
import type { AppEnv } from '../app-env'
import { readJson } from '../read-input'
import { requireAdmin, requireUser } from '../require-user'

const userPatchSchema = z.strictObject({ disabled: z.boolean() })
const passwordResetSchema = z.strictObject({ password: newPasswordSchema })

/**
 * /api/users: accounts, for administrators only. An account is never deleted (its labels stay
 * attributed); it is disabled.
 */
export function usersRoutes(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.use(requireUser(ctx), requireAdmin)

  app.post('/', async (c) => {
    const input = await readJson(c, userCreateSchema)
    const user = await createUser(ctx.db, input, ctx.clock)
    return c.json({ user }, 201)
  })

  app.get('/', async (c) => c.json({ users: await listUsers(ctx.db) }))

  // Disabling ends the user's sessions and closes their sockets at once.
  app.patch('/:id', async (c) => {
    const { disabled } = await readJson(c, userPatchSchema)
    const id = c.req.param('id')
    if (disabled && id === c.var.user.id) {
      throw new ConcordError(
        'conflict',
        'you cannot disable your own account; ask another administrator',
      )
    }
    const user = disabled ? await disableUser(ctx, id) : await enableUser(ctx, id)
    return c.json({ user })
  })

  // A reset signs the user out everywhere: whoever knew the old password is out.
  app.post('/:id/password', async (c) => {
    const { password } = await readJson(c, passwordResetSchema)
    await resetPassword(ctx, c.req.param('id'), password)
    return c.body(null, 204)
  })

  app.delete('/:id/sessions', async (c) => {
    const id = c.req.param('id')
    const user = await getUser(ctx.db, id)
    if (!user) throw new ConcordError('not_found', `no user '${id.slice(0, 64)}'`)
    const revoked = await revokeSessions(ctx, asUserId(user.id))
    return c.json({ revoked })
  })

  return app
}
