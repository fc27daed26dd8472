// Runs the shared load generator (../shared/bench/yjs-load/load.mjs, outside the repo) against one
// server. load.mjs imports yjs, ws, y-websocket, lib0 and @hocuspocus/provider; ES modules ignore
// NODE_PATH, so it is copied into bench/.tmp/ (gitignored), from where Node resolves those
// packages in the repo's node_modules, which already holds them after `npm install`.
import { spawn } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { benchDir, repoRoot, track } from './servers'

export const tmpDir = join(benchDir, '.tmp')

/** Where load.mjs lives: $YJS_LOAD_DIR, or ../shared/bench/yjs-load next to the repo root. */
export function loadSourceDir(): string {
  return resolve(process.env.YJS_LOAD_DIR ?? join(repoRoot, '../shared/bench/yjs-load'))
}

let prepared: string | undefined

export function prepareLoadScript(): string {
  if (prepared) return prepared
  const src = join(loadSourceDir(), 'load.mjs')
  if (!existsSync(src)) {
    throw new Error(
      `load generator not found at ${src}; it lives in ../shared/bench/yjs-load relative to the ` +
        'repository root (set YJS_LOAD_DIR to point elsewhere)',
    )
  }
  mkdirSync(tmpDir, { recursive: true })
  const dst = join(tmpDir, 'load.mjs')
  copyFileSync(src, dst)
  prepared = dst
  return dst
}

/** The part of load.mjs's --json output the benches read. */
export interface LoadResult {
  verdict: 'PASS' | 'FAIL' | 'TIMEOUT' | 'PENDING'
  wallS?: number
  phases: {
    connect?: { synced: number; failed: number; allSyncedMs: number }
    edits?: { sent: number; editWindowS: number; offeredEditsPerS: number }
    delivery?: {
      delivered: number
      expected: number
      missing: number
      deliveryWindowS: number
      deliveredPerS: number
      latencyMs: { p50: number; p95: number; p99: number; max: number }
      fullPropagationMs: {
        edits: number
        incomplete: number
        p50: number
        p95: number
        p99: number
        max: number
      }
      ws: {
        msgsIn: number
        msgsOut: number
        MBin: number
        MBout: number
        errors: number
        closes: number
      }
    }
    client?: { cpuS: number[]; loopDelayP99Ms: number[] }
    server?: {
      rssMB: { start: number; connected: number; afterDrain: number; peak: number }
      cpuS: { connect: number; editsAndDrain: number }
    }
  }
  convergence?: { ok: boolean; problems: string[]; problemCount: number; lateJoinersOk: number }
}

export interface LoadRun {
  readonly result: LoadResult | undefined
  readonly exitCode: number | null
  readonly output: string
}

/**
 * Runs load.mjs with `args` (without --json), bounded by `maxSeconds` (passed on as
 * --max-seconds, and enforced here with SIGKILL 20 s later in case the generator hangs).
 * `warmGenerator` first runs the official clients for a moment inside the generator's own process
 * (lib/warm-load-generator.mjs), so that what it then measures is not its own JIT warming up.
 */
export async function runLoad(
  args: readonly string[],
  maxSeconds: number,
  opts: { readonly warmGenerator?: boolean; readonly seed?: string } = {},
): Promise<LoadRun> {
  const script = prepareLoadScript()
  const warm = opts.warmGenerator
    ? ['--import', pathToFileURL(join(benchDir, 'lib/warm-load-generator.mjs')).href]
    : []
  // After the warm-up (which awaits at top level), so that load.mjs starts from the seed.
  const seeded =
    opts.seed !== undefined
      ? {
          args: ['--import', pathToFileURL(join(benchDir, 'lib/seeded-random.mjs')).href],
          env: { ...process.env, BENCH_SEED: opts.seed },
        }
      : { args: [], env: process.env }
  const json = join(tmpDir, `load-${process.pid}-${Date.now()}.json`)
  const child = spawn(
    process.execPath,
    [...warm, ...seeded.args, script, ...args, '--max-seconds', String(maxSeconds), '--json', json],
    {
      cwd: tmpDir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: seeded.env,
    },
  )
  track(child)
  let output = ''
  child.stdout.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr.on('data', (d: Buffer) => (output += d.toString()))
  const killer = setTimeout(() => child.kill('SIGKILL'), (maxSeconds + 20) * 1000)
  const exitCode = await new Promise<number | null>((res) => child.once('exit', (c) => res(c)))
  clearTimeout(killer)
  let result: LoadResult | undefined
  try {
    result = JSON.parse(readFileSync(json, 'utf8')) as LoadResult
  } catch {
    result = undefined
  }
  rmSync(json, { force: true })
  return { result, exitCode, output }
}
