import { asProjectId } from '@concord/core'
import type { ServerContext } from '../context'
import { getProject } from '../repos/projects'
import { computeAgreement, currentStore, userNames } from './agreement-service'
import { hotspots } from './hotspots'

/**
 * Loads every project's labels and builds the dashboard's running totals once, in the
 * background after start-up, so that no reviewer's first request pays for reading every label
 * (about half a second per 500,000 labels). Projects are taken one at a time with a turn of the
 * event loop between them, so sync traffic is served meanwhile.
 */
export async function warmAgreement(ctx: ServerContext): Promise<void> {
  const started = ctx.clock.now()
  const projects = await ctx.db.selectFrom('projects').select('id').orderBy('id').execute()
  let labels = 0
  for (const { id } of projects) {
    const project = await getProject(ctx.db, asProjectId(id))
    if (!project) continue
    const store = await currentStore(ctx.db, project.id)
    const names = await userNames(ctx.db, store.annotators)
    computeAgreement(store, project, {}, names, ctx.clock.now())
    await hotspots(ctx.db, store, project, 20, ctx.clock.now())
    labels += store.annotators.length > 0 ? 1 : 0
    await new Promise<void>((resolve) => setImmediate(resolve))
  }
  ctx.log.info('agreement caches warm', {
    projects: projects.length,
    withLabels: labels,
    ms: ctx.clock.now() - started,
  })
}
