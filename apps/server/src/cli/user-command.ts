import type { z } from 'zod'
import { generatePassword } from '../demo/generate-password'
import { userCreateSchema } from '../repos/users'
import type { CliCommand } from './cli-command'
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
  --password P    the password, at least 8 characters (it stays in your shell history)
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
        ['USERNAME', 'NAME', 'ADMIN', 'ID', 'CREATED'],
        users.map((u) => [
          u.username,
          u.displayName,
          u.isAdmin ? 'yes' : '',
          u.id,
          new Date(u.createdAt).toISOString().slice(0, 10),
        ]),
      ),
    )
    return 0
  },
}

/** The first problem zod found, with the field it concerns. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0]
  if (!issue) return 'invalid input'
  return issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message
}
