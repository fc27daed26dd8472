import { Hono } from 'hono'
import { z } from 'zod'
import type { ServerContext } from '../../context'
import { currentStore } from '../../agreement/agreement-service'
import { hotspots } from '../../agreement/hotspots'
import type { AppEnv } from '../app-env'
import { requireProject } from '../project-access'
import { readQuery } from '../read-input'
import { requireUser } from '../require-user'

const hotspotQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(20) })

/** Ranked hotspots with their reasons (reviewers and admins): GET .../hotspots?limit=20. */
export function hotspotsRoutes(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.use(requireUser(ctx))
  app.get('/:id/hotspots', async (c) => {
    const { project } = await requireProject(ctx, c.var.user, c.req.param('id'), 'reviewer')
    const { limit } = readQuery(c, hotspotQuery)
    const store = await currentStore(ctx.db, project.id)
    return c.json(await hotspots(ctx.db, store, project, limit, ctx.clock.now()))
  })
  return app
}
