import type { CliIo } from './cli-io'

/** One `concord` command. Usage errors are thrown as UsageError; the exit code is returned. */
export interface CliCommand {
  /** The words that select it: `serve`, `user add`. */
  readonly name: string
  /** One line for `concord --help`. */
  readonly summary: string
  /** The whole `--help` text. */
  readonly help: string
  /** The command handles `--help` itself (a delegated command). */
  readonly ownHelp?: boolean
  run(args: readonly string[], io: CliIo): Promise<number>
}
