// Starts the three servers under comparison as child processes on 127.0.0.1 and makes sure none
// of them (nor any temp data directory) outlives the bench, also on Ctrl-C.
import { execSync, spawn, type ChildProcess } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
} from 'node:fs'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { setPriority, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { CommitCounters } from './commit-counters'

export const benchDir = resolve(import.meta.dirname, '..')
export const repoRoot = resolve(benchDir, '../../..')
const require = createRequire(import.meta.url)

/**
 * `y-websocket-control` is a second copy of the reference server, measured like any other: its
 * ratio to the reference is how far two identical servers land apart in one run (the noise floor
 * a verdict near the target has to be read against). `concord-baseline` is Concord as built in
 * another checkout (setBaselineDir), to compare two builds in the same run.
 */
export type ServerKind =
  'concord' | 'concord-baseline' | 'y-websocket' | 'y-websocket-control' | 'hocuspocus'

export const SERVER_LABEL: Record<ServerKind, string> = {
  concord: 'Concord',
  'concord-baseline': 'Concord (baseline)',
  'y-websocket': 'y-websocket (ref)',
  'y-websocket-control': 'y-websocket (ref, control copy)',
  hocuspocus: 'Hocuspocus',
}

/** Parses a comma-separated list of server kinds; throws on a name it does not know. */
export function parseServerKinds(list: string | undefined): ServerKind[] | undefined {
  if (list === undefined) return undefined
  const kinds = list.split(',').filter(Boolean)
  const unknown = kinds.filter((k) => !(k in SERVER_LABEL))
  if (unknown.length > 0) {
    throw new Error(
      `unknown server(s) ${unknown.join(', ')}; known: ${Object.keys(SERVER_LABEL).join(', ')}`,
    )
  }
  return kinds as ServerKind[]
}

/** Concord, this checkout's or the baseline's: same protocol, same setup (session, projects). */
export function isConcord(kind: ServerKind): boolean {
  return kind === 'concord' || kind === 'concord-baseline'
}

// ---- the baseline build -----------------------------------------------------------------------

let baselineDir: string | undefined = process.env.CONCORD_BENCH_BASELINE_DIR || undefined

/** The checkout `concord-baseline` runs from (`--baseline-dir`, CONCORD_BENCH_BASELINE_DIR). */
export function setBaselineDir(dir: string): void {
  baselineDir = resolve(dir)
}

export function hasBaselineDir(): boolean {
  return baselineDir !== undefined
}

/** The baseline's own bench entry, its node_modules linked first (linkModules). */
function baselineServerScript(): { dir: string; script: string } {
  if (baselineDir === undefined) {
    throw new Error(
      'concord-baseline needs --baseline-dir DIR: a checkout of the build to compare against ' +
        '(e.g. `git worktree add /tmp/concord-before <commit>`)',
    )
  }
  const script = join(baselineDir, 'apps/server/bench/servers/concord.ts')
  if (!existsSync(script)) {
    throw new Error(`--baseline-dir ${baselineDir} is not a Concord checkout (no ${script})`)
  }
  linkModules(baselineDir)
  return { dir: baselineDir, script }
}

/**
 * Gives a checkout without node_modules (a fresh `git worktree`) this repository's installed
 * packages: a node_modules of symlinks to ours, except the workspace's own packages (@concord/*),
 * whose relative links (../../packages/core) then point into the checkout, so that it runs its
 * own code on the same dependencies. ES modules ignore NODE_PATH; links are what resolves.
 * A checkout that has a node_modules already is left as it is.
 */
function linkModules(dir: string): void {
  const target = join(dir, 'node_modules')
  if (existsSync(target)) return
  const ours = join(repoRoot, 'node_modules')
  mkdirSync(target)
  for (const entry of readdirSync(ours)) {
    if (entry === '@concord') {
      mkdirSync(join(target, entry))
      for (const pkg of readdirSync(join(ours, entry))) {
        symlinkSync(readlinkSync(join(ours, entry, pkg)), join(target, entry, pkg))
      }
    } else symlinkSync(join(ours, entry), join(target, entry))
  }
  console.log(`(linked ${target} to ${ours}, @concord/* to the checkout's own packages)`)
}

export interface ServerHandle {
  readonly kind: ServerKind
  /** http://… for Concord, ws://… for the others. */
  readonly url: string
  /** Base URL the load generator connects to (`/sync` for Concord). */
  readonly wsUrl: string
  readonly pid: number
  readonly dataDir: string | undefined
  readonly child: ChildProcess
  output(): string
  /** Round trip to lib/probe.mjs (memory bench only): optional full GC, then memoryUsage(). */
  probe(what: 'gc' | 'mem'): Promise<NodeJS.MemoryUsage>
  /** SIGTERM, SIGKILL after 10 s; removes the data directory. */
  stop(): Promise<void>
  /** After stop(): what lib/loop-monitor.mjs and lib/commit-counters.ts printed, if enabled. */
  diagnostics(): ServerDiagnostics
}

export interface ServerDiagnostics {
  loop?: { p50: number; p99: number; max: number }
  commits?: CommitCounters
  forward?: ForwardTiming
}

/** What lib/forward-timing.mjs prints: ms from a client's frame until the server's sends after it. */
export interface ForwardTiming {
  frames: number
  firstP50: number
  firstP99: number
  lastP50: number
  lastP99: number
  sendsPerFrame: number
}

export interface StartOptions {
  readonly env?: Record<string, string>
  /** Preload lib/probe.mjs with --expose-gc and open an IPC channel. */
  readonly probe?: boolean
  /** Extra node flags, e.g. --cpu-prof (also from BENCH_NODE_ARGS_<KIND>). */
  readonly nodeArgs?: readonly string[]
  /** Write a V8 CPU profile (--cpu-prof) into this directory when the server stops. */
  readonly cpuProfileDir?: string
  /**
   * Preload lib/loop-monitor.mjs (event-loop delay, printed at exit) and lib/forward-timing.mjs
   * (how long the server holds an edit) and, for Concord, count and time group commits
   * (lib/commit-counters.ts); read them with ServerHandle.diagnostics().
   */
  readonly diagnostics?: boolean
  readonly startTimeoutMs?: number
}

// ---- scheduling priority -----------------------------------------------------------------

let niceness = 0

/**
 * Niceness for every process the bench starts from now on (servers, load generators; children
 * they fork inherit it). Negative values need root; on a shared machine they keep other work from
 * disturbing the measurement. Returns false when the OS refused.
 */
export function setBenchNice(n: number): boolean {
  niceness = n
  try {
    setPriority(process.pid, n) // the bench's own (mostly idle) process, and a check of the right
    return true
  } catch {
    niceness = 0
    return false
  }
}

/** The niceness set with --nice (0 when none, or when the OS refused). */
export function benchNice(): number {
  return niceness
}

function niceChild(child: ChildProcess): void {
  if (niceness === 0 || child.pid === undefined) return
  try {
    setPriority(child.pid, niceness)
  } catch {
    // not permitted: measure at normal priority
  }
}

// ---- cleanup on every kind of exit ----------------------------------------------------------

const live = new Set<ChildProcess>()
const tempDirs = new Set<string>()
let hooked = false

function hookExit(): void {
  if (hooked) return
  hooked = true
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL')
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true })
  })
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping ${live.size} server(s)`)
      process.exit(130)
    })
  }
}

/** Registers a child process to be SIGKILLed if the bench exits first. */
export function track(child: ChildProcess): void {
  hookExit()
  niceChild(child)
  live.add(child)
  child.once('exit', () => live.delete(child))
}

export function tempDir(prefix: string): string {
  hookExit()
  const dir = mkdtempSync(join(tmpdir(), prefix))
  tempDirs.add(dir)
  return dir
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
  tempDirs.delete(dir)
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer()
    srv.once('error', rej)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      srv.close(() => res(port))
    })
  })
}

// ---- /proc ------------------------------------------------------------------------------------

// /proc/<pid>/stat counts CPU time in clock ticks (USER_HZ)
export let clockTicks = 100
try {
  clockTicks = Number(execSync('getconf CLK_TCK').toString().trim()) || 100
} catch {
  // keep 100, USER_HZ on every usual Linux
}

/**
 * The fields of /proc/<pid>/stat after "(comm)", which may itself hold spaces: index 0 is field 3
 * (state), so field N of proc(5) is index N - 3.
 */
export function procStatFields(pid: number | 'self'): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')
}

export function procStats(pid: number): { rssMB: number; cpuS: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const rssKB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN)
    const f = procStatFields(pid) // utime, stime: fields 14, 15
    const cpuS = (Number(f[11]) + Number(f[12])) / clockTicks
    return { rssMB: rssKB / 1024, cpuS }
  } catch {
    return undefined
  }
}

// ---- starting servers -------------------------------------------------------------------------

function nodeArgsFor(kind: ServerKind, opts: StartOptions): string[] {
  const fromEnv = process.env[`BENCH_NODE_ARGS_${kind.replaceAll('-', '_').toUpperCase()}`]
  const args = [...(opts.nodeArgs ?? []), ...(fromEnv ? fromEnv.split(/\s+/).filter(Boolean) : [])]
  if (opts.probe) {
    args.push('--expose-gc', '--import', pathToFileURL(join(benchDir, 'lib/probe.mjs')).href)
  }
  if (opts.cpuProfileDir) args.push('--cpu-prof', `--cpu-prof-dir=${opts.cpuProfileDir}`)
  if (opts.diagnostics) {
    args.push('--import', pathToFileURL(join(benchDir, 'lib/loop-monitor.mjs')).href)
    args.push('--import', pathToFileURL(join(benchDir, 'lib/forward-timing.mjs')).href)
  }
  // The stock reference server has no signal handler: without one it dies on SIGTERM before
  // --cpu-prof or the loop monitor can write anything.
  if ((opts.cpuProfileDir || opts.diagnostics) && kind.startsWith('y-websocket')) {
    args.push('--import', pathToFileURL(join(benchDir, 'lib/exit-on-signal.mjs')).href)
  }
  return args
}

export async function startServer(
  kind: ServerKind,
  opts: StartOptions = {},
): Promise<ServerHandle> {
  hookExit()
  let argv: string[]
  let dataDir: string | undefined
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env }
  if (opts.diagnostics && isConcord(kind)) env.CONCORD_BENCH_COUNTERS = '1'
  const node = nodeArgsFor(kind, opts)
  let cwd = repoRoot
  if (kind === 'concord') {
    dataDir = tempDir('concord-bench-')
    argv = [...node, '--import', 'tsx', join(benchDir, 'servers/concord.ts'), dataDir]
  } else if (kind === 'concord-baseline') {
    const baseline = baselineServerScript()
    dataDir = tempDir('concord-baseline-bench-')
    cwd = baseline.dir // tsx and the server's own packages resolve from the checkout
    argv = [...node, '--import', 'tsx', baseline.script, dataDir]
  } else if (kind === 'hocuspocus') {
    argv = [...node, '--import', 'tsx', join(benchDir, 'servers/hocuspocus.ts'), '0']
  } else {
    // The stock server script, exactly as `npx y-websocket` runs it. Its package exports do not
    // expose src/server.js, so locate it next to package.json.
    const pkg = require.resolve('@y/websocket-server/package.json')
    env.HOST = '127.0.0.1'
    env.PORT = String(await freePort())
    argv = [...node, join(dirname(pkg), 'src/server.js')]
  }
  const child = spawn(process.execPath, argv, {
    cwd,
    env,
    stdio: opts.probe ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  })
  track(child)
  let out = ''
  child.stdout?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)))
  child.stderr?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)))
  const exited = new Promise<void>((res) => child.once('exit', () => res()))
  const ready = /BENCH_READY (\S+)|running at '([\d.]+)' on port (\d+)/
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      rej(new Error(`${kind} did not start within ${opts.startTimeoutMs ?? 30_000} ms:\n${out}`))
    }, opts.startTimeoutMs ?? 30_000)
    const onData = (): void => {
      const m = ready.exec(out)
      if (!m) return
      clearTimeout(timer)
      child.stdout?.off('data', onData)
      res(m[1] ?? `ws://${m[2]}:${m[3]}`)
    }
    child.stdout?.on('data', onData)
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      rej(new Error(`${kind} exited (${code ?? signal}) before it listened:\n${out}`))
    })
  })
  const wsUrl = isConcord(kind) ? `${url.replace(/^http/, 'ws')}/sync` : url
  let probeSeq = 0
  return {
    kind,
    url,
    wsUrl,
    pid: child.pid!,
    dataDir,
    child,
    output: () => out,
    diagnostics: () => {
      const grab = <T>(tag: string): T | undefined => {
        const m = new RegExp(`${tag} (\\{.*\\})`).exec(out)
        return m ? (JSON.parse(m[1]!) as T) : undefined
      }
      return {
        loop: grab('BENCH_LOOP'),
        commits: grab('BENCH_COUNTERS'),
        forward: grab('BENCH_FORWARD'),
      }
    },
    probe: (what) =>
      new Promise((res, rej) => {
        if (!child.send) return rej(new Error('server was not started with probe: true'))
        const id = ++probeSeq
        const timer = setTimeout(() => rej(new Error('probe timed out')), 30_000)
        const onMessage = (msg: unknown): void => {
          const m = msg as { probe?: string; id?: number; mem?: NodeJS.MemoryUsage }
          if (m.id !== id || !m.mem) return
          clearTimeout(timer)
          child.off('message', onMessage)
          res(m.mem)
        }
        child.on('message', onMessage)
        child.send({ probe: what, id })
      }),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
      if (dataDir) removeTempDir(dataDir)
    },
  }
}

/** True when the module with this import.meta.url is the script node was started with. */
export function isMain(metaUrl: string): boolean {
  return process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(metaUrl)
}

/** `--nice N` of the bench scripts: see setBenchNice. */
export function applyNice(value: string | undefined): void {
  if (value === undefined) return
  const n = Number(value)
  if (!Number.isInteger(n) || n < -20 || n > 19)
    throw new Error(`--nice must be -20…19, got ${value}`)
  if (setBenchNice(n)) console.log(`(servers and load generators run at niceness ${n})`)
  else console.log(`(--nice ${n} refused by the OS: measuring at normal priority)`)
}
