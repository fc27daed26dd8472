import { ConcordError } from '@concord/core'
import { Hono, type Context } from 'hono'
import { z } from 'zod'
import type { ServerContext } from '../../context'
import { importItems } from '../../import/import-items'
import { importLabels } from '../../import/import-labels'
import type { AppEnv } from '../app-env'
import { requireProject } from '../project-access'
import { readQuery } from '../read-input'
import { requireUser } from '../require-user'

const formatQuery = z.object({ format: z.enum(['csv', 'jsonl']).default('csv') })
const labelsQuery = z.object({
  addMembers: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
})

/**
 * The request body as a stream of chunks, refusing it (413) as soon as it passes `max` bytes,
 * whether or not a Content-Length was sent. Nothing is buffered here: the import reads as it goes.
 */
export async function* limitedBody(c: Context, max: number): AsyncGenerator<Uint8Array> {
  const tooLarge = () =>
    new ConcordError('too_large', `the file is larger than the limit of ${max} bytes`)
  const declared = Number(c.req.header('content-length') ?? NaN)
  if (Number.isFinite(declared) && declared > max) throw tooLarge()
  const body = c.req.raw.body
  if (body === null) return
  let total = 0
  for await (const chunk of body) {
    total += chunk.byteLength
    if (total > max) throw tooLarge()
    yield chunk
  }
}

/** The raw file is the request body (no multipart): `curl --data-binary @items.csv`. */
export function importsRoutes(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.use(requireUser(ctx))

  app.post('/:id/items/import', async (c) => {
    const { project } = await requireProject(ctx, c.var.user, c.req.param('id'), 'admin')
    const { format } = readQuery(c, formatQuery)
    const result = await importItems(
      ctx,
      project.id,
      limitedBody(c, ctx.options.maxImportBytes),
      format,
    )
    ctx.models?.onItemsImported(project.id)
    return c.json(result)
  })

  app.post('/:id/labels/import', async (c) => {
    const { project } = await requireProject(ctx, c.var.user, c.req.param('id'), 'admin')
    const { addMembers } = readQuery(c, labelsQuery)
    // Making someone a member through a file is the global administrator's call: a project
    // admin attributes labels to the people already in the project only.
    if (addMembers && !c.var.user.isAdmin) {
      throw new ConcordError(
        'forbidden',
        'only a global administrator may add members through a label import; ' +
          'add the annotators to the project first and import without addMembers',
      )
    }
    const result = await importLabels(ctx, project.id, limitedBody(c, ctx.options.maxImportBytes), {
      addMembers,
    })
    return c.json(result)
  })

  return app
}

/** Import routes read their body as a stream under their own limit, not the JSON body limit. */
export function isImportPath(path: string): boolean {
  return /^\/api\/projects\/[^/]+\/(items|labels)\/import\/?$/.test(path)
}
