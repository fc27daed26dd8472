import type { AddressInfo } from 'node:net'
import { createAdaptorServer } from '@hono/node-server'
import type { Server } from 'node:http'
import { systemClock, type Clock } from './clock'
import { warmAgreement } from './agreement/warm-up'
import type { ServerContext } from './context'
import { seedFirstStart } from './demo/seed'
import { openDatabase } from './db/open-database'
import { createHttpApp } from './http/app'
import { withSecurityHeaders } from './http/security-headers'
import { ModelService } from './models/model-service'
import { createLogger, type Logger } from './logger'
import type { ServerOptions } from './options'
import { authorizeRoom } from './sync/authorize-room'
import { CloseCode } from './sync/close-codes'
import { InThreadLogFolder } from './sync/log-folder'
import { nextTick, nodeTimers } from './sync/node-timers'
import { SqlDocStore } from './sync/sql-doc-store'
import { SyncServer } from './sync/sync-server'
import { WorkerLogFolder } from './sync/worker-log-folder'
import { attachSyncEndpoint } from './sync/ws-adapter'
import { staticWebApp } from './web/static-web-app'

export interface RunningServer {
  readonly url: string
  readonly port: number
  readonly ctx: ServerContext
  readonly sync: SyncServer
  close(): Promise<void>
}

export interface StartDeps {
  readonly clock?: Clock
  readonly log?: Logger
}

/** Opens the data directory, migrates, seeds on first start, and serves HTTP + sync on one port. */
export async function startServer(
  options: ServerOptions,
  deps: StartDeps = {},
): Promise<RunningServer> {
  const clock = deps.clock ?? systemClock
  const log = deps.log ?? createLogger(options.quiet)
  const database = await openDatabase(options.dbFile, {
    backgroundCheckpoints: true,
    onCheckpointError: (message) => log.error(message),
    onFlushError: (message) => log.error(message),
    onWarning: (message) => log.warn(message),
    durableWithinMs: options.durableWithinMs,
  })
  // Compactions fold logs off the event loop; a database in memory has no file a worker can open.
  const inThread = new InThreadLogFolder(database.db)
  const folder =
    options.dbFile === ':memory:' ? undefined : new WorkerLogFolder(options.dbFile, inThread)
  const sync = new SyncServer({
    store: new SqlDocStore(database.db, clock, database.durable, {
      sqlite: database.sqlite,
      flushSoon: database.durableSoon,
      folder: folder ?? inThread,
    }),
    clock,
    log,
    schedule: nextTick,
    timers: nodeTimers,
    idleUnloadMs: options.idleUnloadMs,
    compactAfterUpdates: options.compactAfterUpdates,
    compactQuietMs: options.compactQuietMs,
    compactBusyAfterUpdates: options.compactBusyAfterUpdates,
    socketMessagesPerSecond: options.socketMessagesPerSecond,
    socketMessageBurst: options.socketMessageBurst,
    onProjected: (projects) => models.onLabelsChanged(projects),
    onActivity: () => models.noteSyncActivity(),
    // An offline tool (the CLI) may append to the logs of documents this server holds.
    watchOthersMs: 1000,
  })
  const base: ServerContext = {
    db: database.db,
    durable: database.durable,
    options,
    clock,
    docs: sync,
    log,
    connections: {
      closeUser: (userId) =>
        sync.closeUserConnections(userId, CloseCode.sessionsChanged, 'sessions changed'),
    },
  }
  // Created before anything can commit a label (seeding included): onProjected reaches it.
  const models = new ModelService(base)
  const ctx: ServerContext = { ...base, models }
  const seeded = await seedFirstStart(ctx)
  if (seeded.adminCreated) {
    const { username, password } = seeded.adminCreated
    const shown = password
      ? `password: ${password}  (shown once; set CONCORD_ADMIN_PASSWORD to choose it)`
      : 'password: from CONCORD_ADMIN_PASSWORD'
    process.stdout.write(`Created admin account '${username}', ${shown}\n`)
  }
  if (seeded.demoProjectId) {
    const users = seeded.demoUsersCreated
    const who = users
      ? ` with users ${users.usernames.join(', ')}` +
        (users.password
          ? `, password: ${users.password}  (shown once; set CONCORD_DEMO_PASSWORD to choose it)`
          : ' (password from CONCORD_DEMO_PASSWORD)')
      : ''
    process.stdout.write(
      `Created demo project '${seeded.demoProjectId}' (${seeded.demoItems ?? 0} items)${who}\n`,
    )
  }

  const api = createHttpApp(ctx)
  const web = staticWebApp()
  const http = createAdaptorServer({
    // `env` carries the Node request: the API reads the client's address from its socket.
    fetch: async (req: Request, env: unknown) => {
      const url = new URL(req.url)
      const res = await (url.pathname.startsWith('/api/') ? api.fetch(req, env) : web.fetch(req))
      return withSecurityHeaders(res, url.host, options.publicUrl, options.remoteMediaOrigins)
    },
  }) as Server
  const endpoint = attachSyncEndpoint(http, sync, {
    prefix: '/sync/',
    maxFrameBytes: options.maxFrameBytes,
    authorize: (room, req, url) => authorizeRoom(ctx, room, req, url),
    log,
  })
  try {
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject)
      http.listen(options.port, options.host, () => {
        http.off('error', reject)
        resolve()
      })
    })
  } catch (err) {
    // Port taken or not allowed: release what start-up opened before reporting.
    endpoint.close()
    await sync.close()
    await folder?.stop()
    await models.close()
    await database.close()
    throw err
  }
  const port = (http.address() as AddressInfo).port
  const host = options.host.includes(':') ? `[${options.host}]` : options.host
  const url = `http://${host}:${port}`
  log.info(`Concord listening on ${url}`, { dataDir: options.dataDir })
  // Reviewers' first dashboard request then answers from memory; failures only cost that speed.
  void warmAgreement(ctx).catch((err: unknown) =>
    log.warn('could not warm the agreement caches', { error: String(err) }),
  )

  let closing: Promise<void> | undefined
  return {
    url,
    port,
    ctx,
    sync,
    close: () => {
      closing ??= (async () => {
        endpoint.close()
        await new Promise<void>((resolve) => {
          http.close(() => resolve())
          http.closeAllConnections()
        })
        await sync.close()
        await folder?.stop()
        await models.close()
        await database.close()
      })()
      return closing
    },
  }
}
