import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '../..')

export interface ServerProcess {
  readonly url: string
  readonly wsUrl: string
  readonly port: number
  readonly dataDir: string
  readonly child: ChildProcess
  readonly output: () => string
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>
  /** SIGKILL: no shutdown code runs at all. */
  kill(): Promise<void>
}

export function tempDataDir(name = 'concord-test-'): string {
  return mkdtempSync(join(tmpdir(), name))
}

/** Starts `tests/helpers/run-server.ts` in a child process on 127.0.0.1 and waits until it listens. */
export async function startServerProcess(
  opts: { dataDir?: string; port?: number; env?: Record<string, string> } = {},
): Promise<ServerProcess> {
  const dataDir = opts.dataDir ?? tempDataDir()
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'tests/helpers/run-server.ts'), dataDir, String(opts.port ?? 0)],
    { cwd: root, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise<void>((res) => child.once('exit', () => res()))
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`server did not start in 30 s:\n${out}`)), 30_000)
    const onData = (): void => {
      const m = /CONCORD_READY (\S+)/.exec(out)
      if (m?.[1]) {
        clearTimeout(timer)
        child.stdout.off('data', onData)
        res(m[1])
      }
    }
    child.stdout.on('data', onData)
    child.once('exit', (code) => {
      clearTimeout(timer)
      rej(new Error(`server exited with ${code} before it listened:\n${out}`))
    })
  })
  const port = Number(new URL(url).port)
  const stopWith = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal)
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    await exited
    clearTimeout(timer)
  }
  return {
    url,
    wsUrl: url.replace(/^http/, 'ws') + '/sync',
    port,
    dataDir,
    child,
    output: () => out,
    stop: () => stopWith('SIGTERM'),
    kill: () => stopWith('SIGKILL'),
  }
}
