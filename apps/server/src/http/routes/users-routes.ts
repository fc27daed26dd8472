import { Hono } from 'hono'
import type { ServerContext } from '../../context'
import { createUser, listUsers, userCreateSchema } from '../../repos/users'
import type { AppEnv } from '../app-env'
import { readJson } from '../read-input'
import { requireAdmin, requireUser } from '../require-user'

/** /api/users: accounts, for administrators only. */
export function usersRoutes(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.use(requireUser(ctx), requireAdmin)

  app.post('/', async (c) => {
    const input = await readJson(c, userCreateSchema)
    const user = await createUser(ctx.db, input, ctx.clock)
    return c.json({ user }, 201)
  })

  app.get('/', async (c) => c.json({ users: await listUsers(ctx.db) }))

  return app
}
