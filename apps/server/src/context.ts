import type { Kysely } from 'kysely'
import type * as Y from 'yjs'
import type { Clock } from './clock'
import type { Database } from './db/database'
import type { Logger } from './logger'
import type { ServerOptions } from './options'
import type { ModelService } from './models/model-service'

/**
 * The one way server code other than the sync layer writes a Yjs document (label imports, demo
 * seeding, review decisions). The change is persisted to the update log and to projections in
 * one transaction, then broadcast to connected peers, exactly like an update from a client.
 */
export interface DocWriter {
  /** Runs `mutate` inside one Yjs transaction on the document and persists what it changed. */
  change(docName: string, mutate: (doc: Y.Doc) => void): Promise<void>
  /** Reads the current state of a document (loading it from the log if needed). */
  read<T>(docName: string, read: (doc: Y.Doc) => T): Promise<T>
}

/** What HTTP routes, the CLI and services are given. */
export interface ServerContext {
  readonly db: Kysely<Database>
  /** Resolves once every committed write is on stable storage (see OpenedDatabase.durable). */
  readonly durable: () => Promise<void>
  readonly options: ServerOptions
  readonly clock: Clock
  readonly docs: DocWriter
  readonly log: Logger
  /** The model loop, where the server runs one (absent in tools and most tests). */
  readonly models?: ModelService
  /**
   * Live sync connections, where a server holds them (absent in the CLI: a server on the same
   * data directory keeps its sockets until they reconnect).
   */
  readonly connections?: UserConnections
}

/** What account changes need of the sync layer. */
export interface UserConnections {
  /** Closes the user's WebSocket connections; each reconnect is authorized afresh. */
  closeUser(userId: string): number
}
