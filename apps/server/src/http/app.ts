import { ConcordError } from '@concord/core'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { ServerContext } from '../context'
import type { AppEnv } from './app-env'
import { errorResponse } from './error-response'
import { refuseUrlToken } from './refuse-url-token'
import { agreementRoutes } from './routes/agreement-routes'
import { authRoutes } from './routes/auth-routes'
import { consensusRoutes } from './routes/consensus-routes'
import { flagsRoutes } from './routes/flags-routes'
import { hotspotsRoutes } from './routes/hotspots-routes'
import { importsRoutes, isImportPath } from './routes/imports-routes'
import { isModelUploadPath, modelRoutes } from './routes/model-routes'
import { itemsRoutes } from './routes/items-routes'
import { mediaRoutes } from './routes/media-routes'
import { membersRoutes } from './routes/members-routes'
import { projectsRoutes } from './routes/projects-routes'
import { queueRoutes } from './routes/queue-routes'
import { reviewRoutes } from './routes/review-routes'
import { usersRoutes } from './routes/users-routes'
import { sameOriginWrites } from './same-origin-writes'

/**
 * The REST API, all under /api. Every error, from any route or middleware, leaves through the
 * one handler below as `{ error: { code, message, details } }`.
 */
export function createHttpApp(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>()

  // Edge checks before any body is read (README "Security"): no session token in a REST URL,
  // and no change made by another origin's page riding the session cookie (CSRF).
  app.use('/api/*', refuseUrlToken, sameOriginWrites(ctx.options))

  const limit = bodyLimit({
    maxSize: ctx.options.maxBodyBytes,
    onError: () => {
      throw new ConcordError(
        'too_large',
        `the request body is larger than the limit of ${ctx.options.maxBodyBytes} bytes`,
      )
    },
  })
  app.use('/api/*', (c, next) =>
    isImportPath(c.req.path) || (c.req.method === 'POST' && isModelUploadPath(c.req.path))
      ? next()
      : limit(c, next),
  )

  // Commits do not wait for the disk (see WalFlusher): a reply that confirms a write waits here
  // until the write would survive a power cut.
  app.use('/api/*', async (c, next) => {
    await next()
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') await ctx.durable()
  })

  app.get('/api/health', (c) => c.json({ ok: true }))
  app.route('/api/auth', authRoutes(ctx))
  app.route('/api/users', usersRoutes(ctx))
  app.route('/api/projects', projectsRoutes(ctx))
  app.route('/api/projects', membersRoutes(ctx))
  app.route('/api/projects', itemsRoutes(ctx))
  app.route('/api/projects', mediaRoutes(ctx))
  app.route('/api/projects', importsRoutes(ctx))
  app.route('/api/projects', queueRoutes(ctx))
  app.route('/api/projects', flagsRoutes(ctx))
  app.route('/api/projects', agreementRoutes(ctx))
  app.route('/api/projects', consensusRoutes(ctx))
  app.route('/api/projects', hotspotsRoutes(ctx))
  app.route('/api/projects', reviewRoutes(ctx))
  if (ctx.models) app.route('/api/projects', modelRoutes(ctx, ctx.models))

  app.notFound((c) =>
    errorResponse(
      new ConcordError('not_found', `no route ${c.req.method} ${c.req.path}`),
      c,
      ctx.log,
    ),
  )
  app.onError((err, c) => errorResponse(err, c, ctx.log))
  return app
}
