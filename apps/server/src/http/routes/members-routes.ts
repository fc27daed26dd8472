import { asUserId, ConcordError } from '@concord/core'
import { Hono } from 'hono'
import { z } from 'zod'
import type { ServerContext } from '../../context'
import { getMember, listMembers, memberRole, removeMember, setMember } from '../../repos/members'
import { getUser } from '../../repos/users'
import type { AppEnv } from '../app-env'
import { requireProject } from '../project-access'
import { reauthorizeMember } from '../reauthorize-rooms'
import { readJson } from '../read-input'
import { requireUser } from '../require-user'

const memberSchema = z.strictObject({ role: z.enum(['admin', 'reviewer', 'annotator']) })

/** /api/projects/:id/members: who works on a project, managed by its admins. */
export function membersRoutes(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.use(requireUser(ctx))

  app.get('/:id/members', async (c) => {
    const { project } = await requireProject(ctx, c.var.user, c.req.param('id'), 'admin')
    return c.json({ members: await listMembers(ctx.db, project.id) })
  })

  app.put('/:id/members/:userId', async (c) => {
    const { project } = await requireProject(ctx, c.var.user, c.req.param('id'), 'admin')
    const { role } = await readJson(c, memberSchema)
    const user = await getUser(ctx.db, c.req.param('userId'))
    if (!user)
      throw new ConcordError('not_found', `no user '${c.req.param('userId').slice(0, 64)}'`)
    const before = await memberRole(ctx.db, project.id, user.id)
    await setMember(ctx.db, project.id, user.id, role, ctx.clock.now())
    if (before !== undefined && before !== role) reauthorizeMember(ctx, user.id)
    const member = await getMember(ctx.db, project.id, user.id)
    return c.json({ member })
  })

  app.delete('/:id/members/:userId', async (c) => {
    const { project } = await requireProject(ctx, c.var.user, c.req.param('id'), 'admin')
    const userId = asUserId(c.req.param('userId'))
    if (!(await removeMember(ctx.db, project.id, userId))) {
      throw new ConcordError('not_found', `'${userId.slice(0, 64)}' is not a member`)
    }
    reauthorizeMember(ctx, userId)
    return c.body(null, 204)
  })

  return app
}
