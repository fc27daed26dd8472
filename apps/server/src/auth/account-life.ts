import { ConcordError, type UserId } from '@concord/core'
import type { ServerContext } from '../context'
import { deleteUserSessions } from '../repos/sessions'
import { getUser, setUserDisabled, setUserPassword, type User } from '../repos/users'

/**
 * What an administrator does to an account (REST and CLI alike). Every change that should lock
 * someone out ends their sessions and closes their live sync sockets in the same call: a
 * disabled user or a revoked session stops working at once, not at the next login.
 */
type Ctx = Pick<ServerContext, 'db' | 'clock' | 'connections'>

async function existing(ctx: Ctx, id: string): Promise<User> {
  const user = await getUser(ctx.db, id)
  if (!user) throw new ConcordError('not_found', `no user '${id.slice(0, 64)}'`)
  return user
}

/** Ends every session of the user and closes their sockets; returns how many sessions ended. */
export async function revokeSessions(ctx: Ctx, id: UserId): Promise<number> {
  const revoked = await deleteUserSessions(ctx.db, id)
  ctx.connections?.closeUser(id)
  return revoked
}

/** Disables the account (it keeps its labels and memberships) and signs it out everywhere. */
export async function disableUser(ctx: Ctx, id: string): Promise<User> {
  const user = await existing(ctx, id)
  if (user.disabledAt === null) await setUserDisabled(ctx.db, user.id, ctx.clock.now())
  await revokeSessions(ctx, user.id)
  return existing(ctx, id)
}

/** Lets a disabled account sign in again (no session comes back: the user signs in). */
export async function enableUser(ctx: Ctx, id: string): Promise<User> {
  const user = await existing(ctx, id)
  if (user.disabledAt !== null) await setUserDisabled(ctx.db, user.id, null)
  return existing(ctx, id)
}

/** An administrator sets a new password; whoever knew the old one is signed out. */
export async function resetPassword(ctx: Ctx, id: string, password: string): Promise<User> {
  const user = await existing(ctx, id)
  await setUserPassword(ctx.db, user.id, password)
  await revokeSessions(ctx, user.id)
  return user
}
