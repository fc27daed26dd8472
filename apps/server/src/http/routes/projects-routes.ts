import { projectCreateSchema, projectUpdateSchema } from '@concord/core'
import { Hono } from 'hono'
import type { ServerContext } from '../../context'
import {
  createProject,
  getProjectSummary,
  listProjectSummaries,
  updateProject,
} from '../../repos/projects'
import type { AppEnv } from '../app-env'
import { requireProject } from '../project-access'
import { reauthorizeAfterProjectChange } from '../reauthorize-rooms'
import { readJson } from '../read-input'
import { requireAdmin, requireUser } from '../require-user'

/** /api/projects: create (administrators), list mine, read (members), change (project admins). */
export function projectsRoutes(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.use(requireUser(ctx))

  app.post('/', requireAdmin, async (c) => {
    const input = await readJson(c, projectCreateSchema)
    const project = await createProject(ctx.db, input, ctx.clock, c.var.user.id)
    return c.json({ project: await getProjectSummary(ctx.db, project, 'admin', c.var.user) }, 201)
  })

  app.get('/', async (c) => {
    return c.json({ projects: await listProjectSummaries(ctx.db, c.var.user) })
  })

  app.get('/:id', async (c) => {
    const { project, role } = await requireProject(ctx, c.var.user, c.req.param('id'), 'annotator')
    return c.json({ project: await getProjectSummary(ctx.db, project, role, c.var.user) })
  })

  app.patch('/:id', async (c) => {
    const { project, role } = await requireProject(ctx, c.var.user, c.req.param('id'), 'admin')
    const patch = await readJson(c, projectUpdateSchema)
    const updated = await updateProject(ctx.db, project.id, patch, ctx.clock)
    await reauthorizeAfterProjectChange(ctx, project, updated)
    return c.json({ project: await getProjectSummary(ctx.db, updated, role, c.var.user) })
  })

  return app
}
