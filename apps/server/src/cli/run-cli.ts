import { ConcordError } from '@concord/core'
import { agreementEntry } from './agreement-entry'
import type { CliCommand } from './cli-command'
import type { CliIo } from './cli-io'
import { importItemsCommand, importLabelsCommand } from './import-command'
import { projectCreateCommand, projectListCommand } from './project-command'
import { serveCommand } from './serve-command'
import { describeSystemError } from './system-error'
import { UsageError } from './usage-error'
import {
  userAddCommand,
  userDisableCommand,
  userEnableCommand,
  userListCommand,
  userPasswdCommand,
  userRevokeCommand,
} from './user-command'

export const COMMANDS: readonly CliCommand[] = [
  serveCommand,
  userAddCommand,
  userListCommand,
  userPasswdCommand,
  userDisableCommand,
  userEnableCommand,
  userRevokeCommand,
  projectCreateCommand,
  projectListCommand,
  importItemsCommand,
  importLabelsCommand,
  agreementEntry,
]

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length))
  return `Usage: concord <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run 'concord <command> --help' for a command's options. Commands other than serve work on the
data directory directly (--data-dir, default $CONCORD_DATA_DIR or ./.data), also while a server
runs on it.
`
}

function groupHelp(group: string, commands: readonly CliCommand[]): string {
  const width = Math.max(...commands.map((c) => c.name.length))
  return `Usage: concord ${group} <${commands.map((c) => c.name.slice(group.length + 1)).join('|')}> [options]

${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}
`
}

const wantsHelp = (args: readonly string[]): boolean => {
  const end = args.indexOf('--')
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h')
}

/**
 * Runs `concord <argv>` and returns the exit code: 0 on success, 1 when the command failed, 2 on
 * a usage error (unknown command or option, missing argument, bad value).
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [first, second] = argv
  if (first === undefined) {
    io.stderr.write(overview())
    return 2
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    io.stdout.write(overview())
    return 0
  }
  if (first === '--version' || first === '-v') {
    io.stdout.write('concord 0.1.0\n')
    return 0
  }

  let command = COMMANDS.find((c) => c.name === first)
  let rest = argv.slice(1)
  if (!command) {
    const group = COMMANDS.filter((c) => c.name.startsWith(`${first} `))
    if (group.length === 0) {
      return usageError(io, 'concord', `unknown command '${first}'`, 'concord --help')
    }
    if (second === undefined || second === '--help' || second === '-h') {
      const help = groupHelp(first, group)
      if (second === undefined) {
        io.stderr.write(`concord ${first}: missing subcommand\n${help}`)
        return 2
      }
      io.stdout.write(help)
      return 0
    }
    command = group.find((c) => c.name === `${first} ${second}`)
    if (!command) {
      return usageError(
        io,
        `concord ${first}`,
        `unknown subcommand '${second}'`,
        `concord ${first} --help`,
      )
    }
    rest = argv.slice(2)
  }

  if (!command.ownHelp && wantsHelp(rest)) {
    io.stdout.write(command.help)
    return 0
  }
  try {
    return await command.run(rest, io)
  } catch (err) {
    const prefix = `concord ${command.name}`
    if (err instanceof UsageError) {
      return usageError(io, prefix, err.message, `concord ${command.name} --help`)
    }
    if (err instanceof ConcordError) {
      io.stderr.write(`${prefix}: ${err.message}\n`)
      return 1
    }
    const systemError = describeSystemError(err)
    if (systemError !== undefined) {
      io.stderr.write(`${prefix}: ${systemError}\n`)
      return 1
    }
    io.stderr.write(
      `${prefix}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    )
    return 1
  }
}

function usageError(io: CliIo, prefix: string, message: string, help: string): number {
  io.stderr.write(`${prefix}: ${message}\nRun '${help}' for usage.\n`)
  return 2
}
