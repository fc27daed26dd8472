import { Hono } from 'hono'
import { z } from 'zod'
import type { ServerContext } from '../../context'
import { DEFAULT_QUEUE_LIMIT, MAX_QUEUE_LIMIT, nextItems } from '../../queue/next-items'
import type { AppEnv } from '../app-env'
import { itemView } from '../item-view'
import { requireProject, visibilityOf } from '../project-access'
import { readQuery } from '../read-input'
import { requireUser } from '../require-user'

const queueQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_QUEUE_LIMIT).default(DEFAULT_QUEUE_LIMIT),
})

/** /api/projects/:id/queue: the caller's next items, reserved for them. */
export function queueRoutes(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.use(requireUser(ctx))

  app.get('/:id/queue', async (c) => {
    const access = await requireProject(ctx, c.var.user, c.req.param('id'), 'annotator')
    const { limit } = readQuery(c, queueQuery)
    const items = await nextItems(ctx, access.project.id, c.var.user.id, limit)
    return c.json({ items: items.map((item) => itemView(item, visibilityOf(access))) })
  })

  return app
}
