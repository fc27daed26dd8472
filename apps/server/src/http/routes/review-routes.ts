import { addReviewComment, ConcordError } from '@concord/core'
import { Hono } from 'hono'
import { z } from 'zod'
import type { ServerContext } from '../../context'
import { itemKey } from '../../repos/items'
import {
  agendaCandidates,
  itemAnnotations,
  labelVersions,
  recheckList,
} from '../../review/review-queries'
import type { AppEnv } from '../app-env'
import { requireLabelReader, requireProject } from '../project-access'
import { readJson, readQuery } from '../read-input'
import { requireUser } from '../require-user'

const candidatesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(10),
})

const commentBody = z.object({ text: z.string().trim().min(1).max(5000) }).strict()

/**
 * What review sessions need besides the `review/<project>` document:
 *   GET  /:id/items/:itemId/annotations   every label on an item, with who gave it (reviewers;
 *                                         every member once the project is not blind)
 *   POST /:id/items/:itemId/comments      adds to the item's thread in the review document (the
 *                                         same readers: annotators may comment, not write the doc)
 *   GET  /:id/review/candidates?limit=N   agenda candidates: most-disputed items, then flagged
 *   GET  /:id/recheck                     labels made under an older definition version (reviewers)
 */
export function reviewRoutes(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.use(requireUser(ctx))

  const findItem = async (projectId: string, raw: string): Promise<number> => {
    const key = itemKey(raw)
    const row =
      key === undefined
        ? undefined
        : await ctx.db
            .selectFrom('items')
            .select('id')
            .where('id', '=', key)
            .where('project_id', '=', projectId)
            .executeTakeFirst()
    if (!row) throw new ConcordError('not_found', `no item '${raw.slice(0, 64)}' in this project`)
    return row.id
  }

  app.get('/:id/items/:itemId/annotations', async (c) => {
    const { project } = await requireLabelReader(ctx, c.var.user, c.req.param('id'))
    const item = await findItem(project.id, c.req.param('itemId'))
    return c.json(await itemAnnotations(ctx.db, project.id, item))
  })

  app.post('/:id/items/:itemId/comments', async (c) => {
    const { project } = await requireLabelReader(ctx, c.var.user, c.req.param('id'))
    const item = await findItem(project.id, c.req.param('itemId'))
    const body = await readJson(c, commentBody)
    const comment = {
      by: c.var.user.id,
      name: c.var.user.displayName,
      text: body.text,
      at: ctx.clock.now(),
    }
    await ctx.docs.change(`review/${project.id}`, (doc) =>
      addReviewComment(doc, String(item), comment),
    )
    return c.json({ comment }, 201)
  })

  app.get('/:id/review/candidates', async (c) => {
    const { project } = await requireProject(ctx, c.var.user, c.req.param('id'), 'reviewer')
    const { limit } = readQuery(c, candidatesQuery)
    return c.json({ candidates: await agendaCandidates(ctx.db, project.id, limit) })
  })

  app.get('/:id/recheck', async (c) => {
    const { project } = await requireProject(ctx, c.var.user, c.req.param('id'), 'reviewer')
    const versions = await ctx.docs.read(`booklet/${project.id}`, labelVersions)
    return c.json({
      versions: Object.fromEntries(versions),
      recheck: await recheckList(ctx.db, project.id, versions),
    })
  })

  return app
}
