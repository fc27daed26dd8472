import { join, resolve } from 'node:path'
import { DURABLE_WITHIN_MS } from './db/open-database'
import { LOGIN_GUARD_DEFAULTS, type LoginGuardOptions } from './auth/login-guard'

/** Everything a running Concord can be told. Resolved once, frozen, passed down. */
export interface ServerOptions {
  /** Interface to listen on. Default 127.0.0.1: exposing Concord is a deliberate choice. */
  readonly host: string
  /** TCP port; 0 picks a free one (tests). Default 8080. */
  readonly port: number
  /** Directory holding the SQLite file. Default ./.data (CONCORD_DATA_DIR). */
  readonly dataDir: string
  /** The SQLite file; defaults to <dataDir>/concord.db. */
  readonly dbFile: string
  /**
   * Where relative item media paths are resolved (image encoders read them from here).
   * Default <dataDir>/media (CONCORD_MEDIA_DIR).
   */
  readonly mediaDir: string
  /** Largest accepted WebSocket frame in bytes; larger frames close the socket (1009). */
  readonly maxFrameBytes: number
  /** Largest accepted REST body in bytes, except imports. */
  readonly maxBodyBytes: number
  /** Largest accepted import file in bytes. */
  readonly maxImportBytes: number
  /** Messages one socket may send per second, sustained, before it is closed as a flood. */
  readonly socketMessagesPerSecond: number
  /** Burst allowance on top of the sustained rate. */
  readonly socketMessageBurst: number
  /** A room with no connection for this long is unloaded from memory. */
  readonly idleUnloadMs: number
  /**
   * A document's update log is merged into one row once it has more than this many rows and the
   * document has had no commit for `compactQuietMs`.
   */
  readonly compactAfterUpdates: number
  /**
   * Quiet time before a long log is compacted. Folding a document people are typing into is
   * out of date at once, and it takes CPU from relaying their edits; a pause costs nobody.
   */
  readonly compactQuietMs: number
  /** A log past this many rows is compacted even while the document is busy (it never pauses). */
  readonly compactBusyAfterUpdates: number
  /**
   * How long a commit nobody waits on (a sync peer without acks) may stay short of stable
   * storage: one fsync serves every such commit in the window (0-1000 ms; default 200,
   * CONCORD_DURABLE_WITHIN_MS). Acknowledged edits and REST writes are fsynced before they are
   * answered, whatever this says.
   */
  readonly durableWithinMs: number
  /** Session lifetime. */
  readonly sessionTtlMs: number
  /** How long a queue slot stays reserved for an annotator who has not labelled it yet. */
  readonly assignmentTtlMs: number
  /** Password of the first admin; when absent one is generated and printed once. */
  readonly adminPassword: string | undefined
  /** Create the demo project on first start. */
  readonly seedDemo: boolean
  /**
   * Percent of a core that model computation keeps while people are editing (1-100; 100: it
   * never gives way). See YieldPolicy. Default 10 (CONCORD_MODEL_SHARE_WHILE_EDITING).
   */
  readonly modelShareWhileEditing: number
  /**
   * The address people open Concord at, as an origin (`https://concord.example.org`), when it
   * differs from what the server sees: behind a TLS proxy, say. An https address makes the
   * session cookie `Secure`, and pages from this origin may change things (the CSRF check).
   * Unset by default (CONCORD_PUBLIC_URL).
   */
  readonly publicUrl: string | undefined
  /**
   * Origins of other servers whose images the web app may load (the CSP's img-src), for projects
   * that allow remote media. Empty by default: images come from Concord's media route only, and
   * an import naming an image elsewhere is refused (CONCORD_REMOTE_MEDIA_ORIGINS, comma-separated).
   */
  readonly remoteMediaOrigins: readonly string[]
  /**
   * Login throttling per account and per client address (see LoginGuard). Only failed attempts
   * count. Not configurable from the environment; tests shorten or lengthen the waits.
   */
  readonly loginThrottle: LoginGuardOptions
  /** Log lines go to stderr unless quiet (tests). */
  readonly quiet: boolean
}

export const DEFAULTS = Object.freeze({
  host: '127.0.0.1',
  port: 8080,
  dataDir: '.data',
  maxFrameBytes: 1024 * 1024,
  maxBodyBytes: 1024 * 1024,
  maxImportBytes: 512 * 1024 * 1024,
  socketMessagesPerSecond: 2000,
  socketMessageBurst: 4000,
  idleUnloadMs: 30_000,
  compactAfterUpdates: 500,
  compactQuietMs: 1000,
  compactBusyAfterUpdates: 4000,
  durableWithinMs: DURABLE_WITHIN_MS,
  sessionTtlMs: 30 * 24 * 3600 * 1000,
  assignmentTtlMs: 30 * 60 * 1000,
  seedDemo: true,
  modelShareWhileEditing: 10,
  quiet: false,
  remoteMediaOrigins: '',
})

export type OptionOverrides = Partial<Omit<ServerOptions, 'dbFile' | 'mediaDir'>> & {
  dbFile?: string
  mediaDir?: string
}

function intFromEnv(name: string, env: NodeJS.ProcessEnv): number | undefined {
  const raw = env[name]
  if (raw === undefined || raw === '') return undefined
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`${name} must be a non-negative integer, got '${raw}'`)
  return n
}

/** `what` names the unit in the error: 'a whole number', 'a whole percent'. */
function inRange(name: string, value: number, min: number, max: number, what: string): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be ${what} from ${min} to ${max}, got '${value}'`)
  }
  return value
}

function compaction(
  overrides: OptionOverrides,
): Pick<ServerOptions, 'compactAfterUpdates' | 'compactQuietMs' | 'compactBusyAfterUpdates'> {
  const after = overrides.compactAfterUpdates ?? DEFAULTS.compactAfterUpdates
  const busy =
    overrides.compactBusyAfterUpdates ?? Math.max(after, DEFAULTS.compactBusyAfterUpdates)
  if (busy < after) {
    throw new Error(
      `compactBusyAfterUpdates (${busy}) must be at least compactAfterUpdates (${after})`,
    )
  }
  return {
    compactAfterUpdates: after,
    compactQuietMs: overrides.compactQuietMs ?? DEFAULTS.compactQuietMs,
    compactBusyAfterUpdates: busy,
  }
}

/**
 * Origins named in CONCORD_REMOTE_MEDIA_ORIGINS. Each must be an origin alone: a CSP source with a
 * path or a wildcard would let through more than the administrator meant.
 */
function remoteOrigins(raw: string): string[] {
  const origins: string[] = []
  for (const part of raw.split(',')) {
    const entry = part.trim()
    if (entry === '') continue
    let url: URL | undefined
    try {
      url = new URL(entry)
    } catch {
      url = undefined
    }
    if (
      url === undefined ||
      (url.protocol !== 'https:' && url.protocol !== 'http:') ||
      !/^([a-z0-9-]+\.)*[a-z0-9-]+$|^\[[0-9a-f:.]+\]$/.test(url.hostname) ||
      url.origin + '/' !== url.href.replace(/\/?$/, '/')
    ) {
      throw new Error(
        `CONCORD_REMOTE_MEDIA_ORIGINS must list http(s) origins such as https://images.example.org, separated by commas; '${entry}' is not one`,
      )
    }
    origins.push(url.origin)
  }
  return origins
}

/**
 * The origin of a public URL. Concord serves /api, /sync and the web app at the root of its
 * origin, so a path, query or credentials in the URL is a mistake worth stopping at.
 */
function publicOrigin(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined
  const wanted = `an http(s) address such as https://concord.example.org, got '${raw}'`
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new Error(`CONCORD_PUBLIC_URL must be ${wanted}`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`CONCORD_PUBLIC_URL must be ${wanted}`)
  }
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.username !== '') {
    throw new Error(
      `CONCORD_PUBLIC_URL must be the root of a site, with no path, query or user: Concord is served at '/', got '${raw}'`,
    )
  }
  return url.origin
}

/** Flags win over environment variables, which win over defaults. */
export function resolveOptions(
  overrides: OptionOverrides = {},
  env: NodeJS.ProcessEnv = process.env,
): ServerOptions {
  const dataDir = resolve(overrides.dataDir ?? env.CONCORD_DATA_DIR ?? DEFAULTS.dataDir)
  const port =
    overrides.port ?? intFromEnv('CONCORD_PORT', env) ?? intFromEnv('PORT', env) ?? DEFAULTS.port
  if (port > 65535) throw new Error(`port must be at most 65535, got ${port}`)
  return Object.freeze({
    host: overrides.host ?? env.CONCORD_HOST ?? DEFAULTS.host,
    port,
    dataDir,
    dbFile: overrides.dbFile ?? join(dataDir, 'concord.db'),
    mediaDir: resolve(overrides.mediaDir ?? (env.CONCORD_MEDIA_DIR || join(dataDir, 'media'))),
    maxFrameBytes:
      overrides.maxFrameBytes ??
      intFromEnv('CONCORD_MAX_FRAME_BYTES', env) ??
      DEFAULTS.maxFrameBytes,
    maxBodyBytes: overrides.maxBodyBytes ?? DEFAULTS.maxBodyBytes,
    maxImportBytes:
      overrides.maxImportBytes ??
      intFromEnv('CONCORD_MAX_IMPORT_BYTES', env) ??
      DEFAULTS.maxImportBytes,
    socketMessagesPerSecond: overrides.socketMessagesPerSecond ?? DEFAULTS.socketMessagesPerSecond,
    socketMessageBurst: overrides.socketMessageBurst ?? DEFAULTS.socketMessageBurst,
    idleUnloadMs:
      overrides.idleUnloadMs ?? intFromEnv('CONCORD_IDLE_UNLOAD_MS', env) ?? DEFAULTS.idleUnloadMs,
    ...compaction(overrides),
    durableWithinMs: inRange(
      'CONCORD_DURABLE_WITHIN_MS',
      overrides.durableWithinMs ??
        intFromEnv('CONCORD_DURABLE_WITHIN_MS', env) ??
        DEFAULTS.durableWithinMs,
      0,
      1000,
      'a whole number',
    ),
    sessionTtlMs: overrides.sessionTtlMs ?? DEFAULTS.sessionTtlMs,
    assignmentTtlMs: overrides.assignmentTtlMs ?? DEFAULTS.assignmentTtlMs,
    adminPassword: overrides.adminPassword ?? (env.CONCORD_ADMIN_PASSWORD || undefined),
    seedDemo: overrides.seedDemo ?? env.CONCORD_SEED_DEMO !== '0',
    modelShareWhileEditing: inRange(
      'CONCORD_MODEL_SHARE_WHILE_EDITING',
      overrides.modelShareWhileEditing ??
        intFromEnv('CONCORD_MODEL_SHARE_WHILE_EDITING', env) ??
        DEFAULTS.modelShareWhileEditing,
      1,
      100,
      'a whole percent',
    ),
    publicUrl: publicOrigin(overrides.publicUrl ?? env.CONCORD_PUBLIC_URL),
    remoteMediaOrigins: Object.freeze(
      overrides.remoteMediaOrigins ??
        remoteOrigins(env.CONCORD_REMOTE_MEDIA_ORIGINS ?? DEFAULTS.remoteMediaOrigins),
    ),
    loginThrottle: overrides.loginThrottle ?? LOGIN_GUARD_DEFAULTS,
    quiet: overrides.quiet ?? false,
  })
}
