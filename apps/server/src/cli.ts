// The `concord` command: `npm run concord -- <command>`, `npx concord <command>`, or
// `node --import tsx apps/server/src/cli.ts <command>`. See cli/run-cli.ts for the commands.
import { processIo } from './cli/cli-io'
import { runCli } from './cli/run-cli'

const code = await runCli(process.argv.slice(2), processIo())
process.exitCode = code
// Everything is closed by now; should a handle linger, do not hang the shell on it.
setTimeout(() => process.exit(code), 3000).unref()
