import { parseRoom, roomAccess, type ProjectRole, type UserId } from '@concord/core'
import type { IncomingMessage } from 'node:http'
import { crossOriginRefusal } from '../auth/cross-origin-refusal'
import { resolveSession, socketCredential } from '../auth/sessions'
import type { ServerContext } from '../context'
import { CloseCode } from './close-codes'
import type { Authorization } from './ws-adapter'

/**
 * Decides, before any document byte is sent, whether this request may open this room and with
 * which access (DESIGN.md "Roles", core `roomAccess`).
 */
export async function authorizeRoom(
  ctx: ServerContext,
  roomName: string,
  req: IncomingMessage,
  url: URL,
): Promise<Authorization> {
  const headers = { get: (name: string) => headerValue(req, name) }
  const credential = socketCredential(headers, url)
  // The cookie rides along on a WebSocket opened by any page, whatever its origin (a WebSocket
  // has no CORS): only Concord's own pages may use it. A token in the URL or a header was
  // handed over on purpose, so its holder may connect from anywhere.
  if (credential?.via === 'cookie') {
    const refused = crossOriginRefusal(
      {
        secFetchSite: headers.get('sec-fetch-site'),
        origin: headers.get('origin'),
        host: headers.get('host'),
      },
      ctx.options.publicUrl,
    )
    if (refused !== undefined) {
      return {
        ok: false,
        code: CloseCode.forbidden,
        reason: 'cross-origin connection refused: the session cookie works only on its own pages',
      }
    }
  }
  const user = await resolveSession(ctx.db, credential?.token, ctx.clock.now())
  if (!user)
    return {
      ok: false,
      code: CloseCode.unauthenticated,
      reason: 'missing or invalid session token',
    }
  const room = parseRoom(roomName)
  if (!room) {
    return {
      ok: false,
      code: CloseCode.unknownRoom,
      reason: `unknown room '${roomName.slice(0, 60)}'; expected booklet/<project>, labels/<project>/<user> or review/<project>`,
    }
  }
  const project = await ctx.db
    .selectFrom('projects')
    .select(['blind', 'annotators_edit_booklet'])
    .where('id', '=', room.project)
    .executeTakeFirst()
  if (!project)
    return { ok: false, code: CloseCode.unknownRoom, reason: `no project '${room.project}'` }
  let role: ProjectRole | undefined
  if (user.isAdmin) role = 'admin'
  else {
    const member = await ctx.db
      .selectFrom('members')
      .select('role')
      .where('project_id', '=', room.project)
      .where('user_id', '=', user.id)
      .executeTakeFirst()
    role = member?.role
  }
  const access = roomAccess(room, {
    user: user.id as UserId,
    role,
    project: {
      blind: project.blind === 1,
      annotatorsEditBooklet: project.annotators_edit_booklet === 1,
    },
  })
  if (access === 'none') {
    return { ok: false, code: CloseCode.forbidden, reason: `no access to ${roomName}` }
  }
  return {
    ok: true,
    info: { room: roomName, access, user: user.id, ack: url.searchParams.get('ack') === '1' },
  }
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()]
  return Array.isArray(v) ? v.join(', ') : v
}
