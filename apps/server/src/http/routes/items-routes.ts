import { asItemId, asUserId, ConcordError, isId } from '@concord/core'
import { Hono } from 'hono'
import { z } from 'zod'
import type { ServerContext } from '../../context'
import { getItem, itemKey, listItems } from '../../repos/items'
import type { AppEnv } from '../app-env'
import { itemView } from '../item-view'
import { requireProject, visibilityOf } from '../project-access'
import { readQuery } from '../read-input'
import { requireUser } from '../require-user'

export const MAX_ITEMS_PAGE = 1000

const itemsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_ITEMS_PAGE).default(50),
  cursor: z
    .string()
    .refine((s) => itemKey(s) !== undefined, 'not a cursor from a previous page')
    .optional(),
  q: z.string().max(200).optional(),
  labelled: z.enum(['yes', 'no']).optional(),
  annotator: z.string().refine(isId, 'not a user id').optional(),
})

/** /api/projects/:id/items: a project's items, for its members. */
export function itemsRoutes(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.use(requireUser(ctx))

  app.get('/:id/items', async (c) => {
    const user = c.var.user
    const { project, role } = await requireProject(ctx, user, c.req.param('id'), 'annotator')
    const query = readQuery(c, itemsQuery)
    const visibility = visibilityOf({ project, role })
    // In blind mode an annotator does not learn what anyone else has labelled: the labelled
    // filter is hers only.
    if (
      visibility === 'own' &&
      (query.annotator !== undefined ? query.annotator !== user.id : query.labelled !== undefined)
    ) {
      throw new ConcordError(
        'forbidden',
        `in a blind project annotators see only their own labelling: filter with annotator=${user.id}`,
      )
    }
    const cursor = query.cursor === undefined ? undefined : itemKey(query.cursor)
    const page = await listItems(ctx.db, project.id, {
      limit: query.limit,
      ...(cursor !== undefined ? { after: cursor } : {}),
      ...(query.q !== undefined ? { q: query.q } : {}),
      ...(query.labelled !== undefined ? { labelled: query.labelled } : {}),
      ...(query.annotator !== undefined ? { annotator: asUserId(query.annotator) } : {}),
    })
    return c.json({ ...page, items: page.items.map((item) => itemView(item, visibility)) })
  })

  app.get('/:id/items/:itemId', async (c) => {
    const access = await requireProject(ctx, c.var.user, c.req.param('id'), 'annotator')
    const { project } = access
    const itemId = c.req.param('itemId')
    const item = await getItem(ctx.db, project.id, asItemId(itemId))
    if (!item)
      throw new ConcordError('not_found', `no item '${itemId.slice(0, 64)}' in this project`)
    return c.json({ item: itemView(item, visibilityOf(access)) })
  })

  return app
}
