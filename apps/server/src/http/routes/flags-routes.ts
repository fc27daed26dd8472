import { asItemId, asProjectId, ConcordError } from '@concord/core'
import { Hono } from 'hono'
import { z } from 'zod'
import type { ServerContext } from '../../context'
import { listFlags, removeFlag, setFlag } from '../../repos/item-flags'
import { getItem, itemKey } from '../../repos/items'
import type { AppEnv } from '../app-env'
import { requireProject } from '../project-access'
import { readOptionalJson } from '../read-input'
import { requireUser } from '../require-user'

const flagBody = z.object({ note: z.string().max(1000).default('') }).strict()

/**
 * "Flag as ambiguous": any member flags an item (POST/DELETE .../items/:itemId/flag); reviewers
 * list the flags (GET .../flags), which feed review agendas.
 */
export function flagsRoutes(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.use(requireUser(ctx))

  const findItem = async (projectId: string, itemId: string): Promise<number> => {
    const key = itemKey(itemId)
    const item =
      key === undefined
        ? undefined
        : await getItem(ctx.db, asProjectId(projectId), asItemId(itemId))
    if (key === undefined || !item) {
      throw new ConcordError('not_found', `no item '${itemId.slice(0, 64)}' in this project`)
    }
    return key
  }

  app.post('/:id/items/:itemId/flag', async (c) => {
    const { project } = await requireProject(ctx, c.var.user, c.req.param('id'), 'annotator')
    const item = await findItem(project.id, c.req.param('itemId'))
    const body = await readOptionalJson(c, flagBody)
    await setFlag(
      ctx.db,
      { projectId: project.id, itemId: item, userId: c.var.user.id, note: body.note },
      ctx.clock.now(),
    )
    return c.json({ flagged: true }, 201)
  })

  app.delete('/:id/items/:itemId/flag', async (c) => {
    const { project } = await requireProject(ctx, c.var.user, c.req.param('id'), 'annotator')
    const item = await findItem(project.id, c.req.param('itemId'))
    return c.json({ removed: await removeFlag(ctx.db, item, c.var.user.id) })
  })

  app.get('/:id/flags', async (c) => {
    const { project } = await requireProject(ctx, c.var.user, c.req.param('id'), 'reviewer')
    return c.json({ flags: await listFlags(ctx.db, project.id) })
  })

  return app
}
