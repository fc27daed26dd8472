import { toCsv } from '@concord/core'
import { Hono } from 'hono'
import { z } from 'zod'
import type { ServerContext } from '../../context'
import { consensusOf, currentStore } from '../../agreement/agreement-service'
import type { AppEnv } from '../app-env'
import { requireLabelReader } from '../project-access'
import { readQuery } from '../read-input'
import { requireUser } from '../require-user'

const pageQuery = z.object({
  cursor: z
    .string()
    .regex(/^\d{1,15}$/, 'the cursor is the nextCursor of the previous page')
    .optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
})

/**
 * The consensus label of every item, with its votes (members who may read other people's labels:
 * reviewers, and annotators once blind mode is off): GET .../consensus?cursor=&limit= pages
 * through the items in id order; GET .../consensus.csv is the whole project. The rule is
 * consensusFor in @concord/core.
 */
export function consensusRoutes(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.use(requireUser(ctx))

  app.get('/:id/consensus', async (c) => {
    const { project } = await requireLabelReader(ctx, c.var.user, c.req.param('id'))
    const q = readQuery(c, pageQuery)
    const store = await currentStore(ctx.db, project.id)
    const rows = await ctx.db
      .selectFrom('items')
      .select(['id', 'external_id'])
      .where('project_id', '=', project.id)
      .where('id', '>', q.cursor === undefined ? 0 : Number(q.cursor))
      .orderBy('id')
      .limit(q.limit + 1)
      .execute()
    const page = rows.slice(0, q.limit)
    return c.json({
      items: page.map((r) => ({
        itemId: String(r.id),
        externalId: r.external_id,
        ...consensusOf(store, r.id, project.overlap),
      })),
      nextCursor: rows.length > q.limit ? String(page[page.length - 1]!.id) : null,
    })
  })

  app.get('/:id/consensus.csv', async (c) => {
    const { project } = await requireLabelReader(ctx, c.var.user, c.req.param('id'))
    const store = await currentStore(ctx.db, project.id)
    const rows = await ctx.db
      .selectFrom('items')
      .select(['id', 'external_id'])
      .where('project_id', '=', project.id)
      .orderBy('id')
      .execute()
    const body = toCsv(
      ['item_id', 'external_id', 'label', 'rule', 'votes', 'ties'],
      rows.map((r) => {
        const e = consensusOf(store, r.id, project.overlap)
        const votes = Object.entries(e.votes)
          .map(([l, n]) => `${l}:${n}`)
          .join(';')
        return [r.id, r.external_id, e.label, e.rule, votes, e.ties.join(';')]
      }),
    )
    return c.body(body, 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="consensus.csv"',
    })
  })
  return app
}
