import { createHash, randomBytes } from 'node:crypto'
import { asUserId, type UserId } from '@concord/core'
import type { Kysely } from 'kysely'
import type { Database } from '../db/database'
import {
  deleteExpiredSessions,
  deleteSession,
  findSessionUser,
  insertSession,
} from '../repos/sessions'

/** The signed-in user, as every route and the sync layer see it. */
export interface AuthUser {
  readonly id: UserId
  readonly username: string
  readonly displayName: string
  readonly isAdmin: boolean
}

export const SESSION_COOKIE = 'concord_session'

/** Sessions are stored by the SHA-256 of their token: a leaked database leaks no live session. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

/** Starts a session: a random 32-byte token (base64url), valid for `ttlMs`. */
export async function createSession(
  db: Kysely<Database>,
  userId: UserId,
  now: number,
  ttlMs: number,
): Promise<{ token: string; expiresAt: number }> {
  const token = randomBytes(32).toString('base64url')
  const expiresAt = now + ttlMs
  await deleteExpiredSessions(db, userId, now)
  await insertSession(db, { tokenHash: hashToken(token), userId, createdAt: now, expiresAt })
  return { token, expiresAt }
}

/** The user of a live session token, or undefined for a missing, unknown or expired token. */
export async function resolveSession(
  db: Kysely<Database>,
  token: string | undefined,
  now: number,
): Promise<AuthUser | undefined> {
  if (token === undefined || token === '' || token.length > 256) return undefined
  const row = await findSessionUser(db, hashToken(token), now)
  if (!row) return undefined
  return {
    id: asUserId(row.id),
    username: row.username,
    displayName: row.display_name,
    isAdmin: row.is_admin === 1,
  }
}

/** Ends the session of `token` (no-op for an unknown token). */
export async function endSession(db: Kysely<Database>, token: string): Promise<void> {
  await deleteSession(db, hashToken(token))
}

/** What tokenFromRequest needs of a request's headers (Fetch `Headers` or a Node adapter). */
export interface HeaderReader {
  get(name: string): string | null | undefined
}

function cookieValue(header: string, name: string): string | undefined {
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq === -1) continue
    if (part.slice(0, eq).trim() !== name) continue
    const raw = part.slice(eq + 1).trim()
    try {
      return decodeURIComponent(raw)
    } catch {
      return raw
    }
  }
  return undefined
}

/** Where a request's session token came from; the CSRF checks depend on it. */
export type TokenSource = 'bearer' | 'cookie' | 'query'

export interface Credential {
  readonly token: string
  readonly via: TokenSource
}

/**
 * The session token of a REST request: `Authorization: Bearer <token>`, else the
 * `concord_session` cookie. Never the URL: a token in a URL ends up in logs, history and
 * Referer headers.
 */
export function credentialFromHeaders(headers: Headers | HeaderReader): Credential | undefined {
  const auth = headers.get('authorization')
  if (auth) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(auth)
    if (match?.[1]) return { token: match[1], via: 'bearer' }
  }
  const cookie = headers.get('cookie')
  if (cookie) {
    const value = cookieValue(cookie, SESSION_COOKIE)
    if (value) return { token: value, via: 'cookie' }
  }
  return undefined
}

/** The session token of a REST request (see credentialFromHeaders). */
export function tokenFromRequest(headers: Headers | HeaderReader): string | undefined {
  return credentialFromHeaders(headers)?.token
}

/**
 * The session token of a WebSocket upgrade: the headers first, else `?token=`, which only the
 * sync endpoint accepts (a browser cannot set headers on a WebSocket, and a page on another
 * origin may hold a token of its own).
 */
export function socketCredential(
  headers: Headers | HeaderReader,
  url: URL,
): Credential | undefined {
  const fromHeaders = credentialFromHeaders(headers)
  if (fromHeaders) return fromHeaders
  const token = url.searchParams.get('token')
  return token ? { token, via: 'query' } : undefined
}
