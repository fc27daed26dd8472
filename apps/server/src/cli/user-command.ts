import { ConcordError } from '@concord/core'
import type { z } from 'zod'
import type { ServerContext } from '../context'
import { generatePassword } from '../demo/generate-password'
import { newPasswordSchema, userCreateSchema, type User } from '../repos/users'
import type { CliCommand } from './cli-command'
import type { CliIo } from './cli-io'
import { formatTable } from './format-table'
import { DATA_DIR_HELP, DATA_DIR_OPTION, withOfflineContext } from './offline-context'
import { parseCommandArgs } from './parse-command-args'
import { UsageError } from './usage-error'

export const userAddCommand: CliCommand = {
  name: 'user add',
  summary: 'create an account',
  help: `Usage: concord user add USERNAME [--name NAME] [--password P] [--admin] [--data-dir D]

Creates an account. Without --password a random password is generated and printed once.

  --name NAME     display name (default: the username)
  --password P    the password, at least 8 characters and not a common one (it stays in your
                  shell history)
  --admin         a global admin: every project, every user
${DATA_DIR_HELP}
`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(
      args,
      {
        name: { type: 'string' },
        password: { type: 'string' },
        admin: { type: 'boolean' },
        ...DATA_DIR_OPTION,
      },
      { min: 1, max: 1, names: 'USERNAME' },
    )
    const generated = values.password === undefined
    const input = {
      username: positionals[0] ?? '',
      ...(values.name !== undefined && { displayName: values.name }),
      password: values.password ?? generatePassword(),
      isAdmin: values.admin ?? false,
    }
    const checked = userCreateSchema.safeParse(input)
    if (!checked.success) throw new UsageError(firstIssue(checked.error))
    const { createUser } = await import('../repos/users')
    const user = await withOfflineContext(values['data-dir'], io, (ctx) =>
      createUser(ctx.db, input, ctx.clock),
    )
    const role = user.isAdmin ? 'admin ' : ''
    io.stdout.write(`Created ${role}user '${user.username}' (${user.id})\n`)
    if (generated) io.stdout.write(`Password: ${input.password}  (shown once)\n`)
    return 0
  },
}

export const userListCommand: CliCommand = {
  name: 'user list',
  summary: 'list accounts',
  help: `Usage: concord user list [--data-dir D]

Lists every account.

${DATA_DIR_HELP}
`,
  async run(args, io) {
    const { values } = parseCommandArgs(args, { ...DATA_DIR_OPTION }, { min: 0, max: 0, names: '' })
    const { listUsers } = await import('../repos/users')
    const users = await withOfflineContext(values['data-dir'], io, (ctx) => listUsers(ctx.db), {
      mustExist: true,
    })
    if (users.length === 0) {
      io.stdout.write('No users.\n')
      return 0
    }
    io.stdout.write(
      formatTable(
        ['USERNAME', 'NAME', 'ADMIN', 'ID', 'CREATED', 'DISABLED'],
        users.map((u) => [
          u.username,
          u.displayName,
          u.isAdmin ? 'yes' : '',
          u.id,
          day(u.createdAt),
          u.disabledAt === null ? '' : day(u.disabledAt),
        ]),
      ),
    )
    return 0
  },
}

const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10)

/**
 * Sessions end in the database at once; a server running on the same data directory keeps the
 * user's open sync sockets until they reconnect. The REST routes and the Users page close them.
 */
const SOCKETS_NOTE = `A server running on this data directory refuses the user's requests at once; their open
live connections end when they next reconnect (the Users page and the REST API close them at once).`

async function withUser<T>(
  args: readonly string[],
  io: CliIo,
  extra: Parameters<typeof parseCommandArgs>[1],
  fn: (ctx: ServerContext, user: User) => Promise<T>,
): Promise<T> {
  const { values, positionals } = parseCommandArgs(
    args,
    { ...extra, ...DATA_DIR_OPTION },
    { min: 1, max: 1, names: 'USERNAME' },
  )
  const username = positionals[0] ?? ''
  const { findUserByUsername } = await import('../repos/users')
  const dataDir = typeof values['data-dir'] === 'string' ? values['data-dir'] : undefined
  return withOfflineContext(
    dataDir,
    io,
    async (ctx) => {
      const user = await findUserByUsername(ctx.db, username)
      if (!user) throw new ConcordError('not_found', `no user '${username.slice(0, 64)}'`)
      return fn(ctx, user)
    },
    { mustExist: true },
  )
}

export const userPasswdCommand: CliCommand = {
  name: 'user passwd',
  summary: "set a user's password and end their sessions",
  help: `Usage: concord user passwd USERNAME [--password P] [--data-dir D]

Sets a new password and ends every session of the user. Without --password a random password
is generated and printed once.

  --password P    the password, at least 8 characters and not a common one (it stays in your
                  shell history)
${DATA_DIR_HELP}

${SOCKETS_NOTE}
`,
  async run(args, io) {
    const password = passwordOption(args)
    const generated = password === undefined
    const chosen = password ?? generatePassword()
    const { resetPassword } = await import('../auth/account-life')
    const user = await withUser(args, io, { password: { type: 'string' } }, async (ctx, u) =>
      resetPassword(ctx, u.id, chosen),
    )
    io.stdout.write(`Set a new password for '${user.username}' and ended their sessions\n`)
    if (generated) io.stdout.write(`Password: ${chosen}  (shown once)\n`)
    return 0
  },
}

/** The --password value, checked before the database is opened. */
function passwordOption(args: readonly string[]): string | undefined {
  const { values } = parseCommandArgs(
    args,
    { password: { type: 'string' }, ...DATA_DIR_OPTION },
    { min: 0, max: 1, names: 'USERNAME' },
  )
  if (values.password === undefined) return undefined
  const checked = newPasswordSchema.safeParse(values.password)
  if (!checked.success) throw new UsageError(`--password: ${firstIssue(checked.error)}`)
  return values.password
}

export const userDisableCommand: CliCommand = {
  name: 'user disable',
  summary: 'stop a user from signing in and end their sessions',
  help: `Usage: concord user disable USERNAME [--data-dir D]

Disables the account: it cannot sign in, and its sessions end. Its labels and memberships stay.
'concord user enable' undoes it.

${DATA_DIR_HELP}

${SOCKETS_NOTE}
`,
  async run(args, io) {
    const { disableUser } = await import('../auth/account-life')
    const user = await withUser(args, io, {}, (ctx, u) => disableUser(ctx, u.id))
    io.stdout.write(`Disabled '${user.username}' and ended their sessions\n`)
    return 0
  },
}

export const userEnableCommand: CliCommand = {
  name: 'user enable',
  summary: 'let a disabled user sign in again',
  help: `Usage: concord user enable USERNAME [--data-dir D]

Enables a disabled account: it can sign in again with its password.

${DATA_DIR_HELP}
`,
  async run(args, io) {
    const { enableUser } = await import('../auth/account-life')
    const user = await withUser(args, io, {}, (ctx, u) => enableUser(ctx, u.id))
    io.stdout.write(`Enabled '${user.username}'\n`)
    return 0
  },
}

export const userRevokeCommand: CliCommand = {
  name: 'user revoke',
  summary: "end all of a user's sessions",
  help: `Usage: concord user revoke USERNAME [--data-dir D]

Ends every session of the user: they sign in again with their password.

${DATA_DIR_HELP}

${SOCKETS_NOTE}
`,
  async run(args, io) {
    const { revokeSessions } = await import('../auth/account-life')
    let username = ''
    const revoked = await withUser(args, io, {}, (ctx, u) => {
      username = u.username
      return revokeSessions(ctx, u.id)
    })
    io.stdout.write(`Ended ${revoked} ${revoked === 1 ? 'session' : 'sessions'} of '${username}'\n`)
    return 0
  },
}

/** The first problem zod found, with the field it concerns. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0]
  if (!issue) return 'invalid input'
  return issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message
}
