#!/usr/bin/env node
// Launcher for `npx concord` inside the repository: runs src/cli.ts through tsx in a child
// Node process, forwarding arguments, stdio, signals and the exit status.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url))
// Resolve tsx from here, so the launcher works from any working directory.
const tsx = import.meta.resolve('tsx')

const child = spawn(process.execPath, ['--import', tsx, cli, ...process.argv.slice(2)], {
  stdio: 'inherit',
})

// Ctrl-C in a terminal reaches the whole process group, the child included: the launcher only
// has to outlive it. SIGTERM and SIGHUP usually target the launcher alone: pass them on.
process.on('SIGINT', () => {})
for (const signal of ['SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (child.exitCode === null) child.kill(signal)
  })
}

child.on('error', (err) => {
  console.error(`concord: cannot start ${cli}: ${err.message}`)
  process.exit(1)
})
child.on('exit', (code, signal) => {
  if (signal) {
    // Die of the same signal, so the shell reports it as the child's.
    process.removeAllListeners(signal)
    process.kill(process.pid, signal)
  } else {
    process.exit(code ?? 1)
  }
})
