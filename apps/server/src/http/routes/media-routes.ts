import { Readable } from 'node:stream'
import { asItemId, ConcordError, isRemoteMedia } from '@concord/core'
import { Hono } from 'hono'
import type { ServerContext } from '../../context'
import { openMediaFile, type MediaFile } from '../../media/open-media-file'
import { getItem } from '../../repos/items'
import type { AppEnv } from '../app-env'
import { requireProject } from '../project-access'
import { requireUser } from '../require-user'

/**
 * How long a browser may reuse an image without asking again. The bytes of a path rarely
 * change; when they do, the ETag tells after at most this long. `private`: no shared cache
 * (a proxy) keeps what only members may see.
 */
export const MEDIA_MAX_AGE_S = 3600

/** A validator from the file's size and modification time: no need to read it to compare. */
function etagOf(file: MediaFile): string {
  return `W/"${file.size.toString(16)}-${Math.floor(file.mtimeMs).toString(16)}"`
}

/** If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2); ETags compare weakly. */
function notModified(headers: Headers, etag: string, mtimeMs: number): boolean {
  const match = headers.get('if-none-match')
  if (match !== null) {
    const bare = (tag: string) => tag.trim().replace(/^W\//, '')
    return match.trim() === '*' || match.split(',').some((tag) => bare(tag) === bare(etag))
  }
  const since = Date.parse(headers.get('if-modified-since') ?? '')
  return Number.isFinite(since) && Math.floor(mtimeMs / 1000) * 1000 <= since
}

/**
 * GET /api/projects/:id/items/:itemId/media: the image of an item whose media is a path in the
 * media directory, for members of the item's project (others get 404, like every project
 * route). The type comes from the file's first bytes: PNG, JPEG, GIF and WebP are served as
 * images; anything else is a download (application/octet-stream, attachment), never a page the
 * browser renders. The file is streamed, never read whole.
 */
export function mediaRoutes(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.use(requireUser(ctx))

  app.get('/:id/items/:itemId/media', async (c) => {
    const { project } = await requireProject(ctx, c.var.user, c.req.param('id'), 'annotator')
    const itemId = c.req.param('itemId')
    const item = await getItem(ctx.db, project.id, asItemId(itemId))
    const shownId = itemId.slice(0, 64)
    if (!item) throw new ConcordError('not_found', `no item '${shownId}' in this project`)
    if (!item.mediaUrl) {
      throw new ConcordError('not_found', `item '${shownId}' has no media`)
    }
    if (isRemoteMedia(item.mediaUrl)) {
      throw new ConcordError('not_found', `the media of item '${shownId}' is on another server`)
    }
    const opened = await openMediaFile(ctx.options.mediaDir, item.mediaUrl)
    if (!opened.ok) {
      // The reason names paths of the server: it is for the operator's log, not for members.
      ctx.log.warn('media not served', {
        project: project.id,
        item: item.id,
        reason: opened.reason,
      })
      throw new ConcordError('not_found', `item '${shownId}' has no media file Concord can serve`)
    }
    const { file } = opened
    const etag = etagOf(file)
    const headers = new Headers({
      'cache-control': `private, max-age=${MEDIA_MAX_AGE_S}`,
      etag,
      'last-modified': new Date(file.mtimeMs).toUTCString(),
      'x-content-type-options': 'nosniff',
    })
    if (notModified(c.req.raw.headers, etag, file.mtimeMs)) {
      await file.handle.close()
      return new Response(null, { status: 304, headers })
    }
    headers.set('content-type', file.type ?? 'application/octet-stream')
    if (file.type === undefined) headers.set('content-disposition', 'attachment')
    headers.set('content-length', String(file.size))
    if (c.req.method === 'HEAD' || file.size === 0) {
      await file.handle.close()
      return new Response(null, { status: 200, headers })
    }
    // Bounded by the size announced: a file that grows meanwhile cannot overrun Content-Length.
    const stream = file.handle.createReadStream({ start: 0, end: file.size - 1 })
    return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, {
      status: 200,
      headers,
    })
  })

  return app
}
