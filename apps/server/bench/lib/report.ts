// Small helpers shared by the benches: markdown tables, number formatting, argument parsing.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { benchDir } from './servers'

export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const lines = [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ]
  return lines.join('\n')
}

export const fmt = (x: number | undefined, digits = 1): string =>
  x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(digits)

export const fmtInt = (x: number | undefined): string =>
  x === undefined || !Number.isFinite(x) ? 'n/a' : Math.round(x).toLocaleString('en-US')

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

export function median(xs: readonly number[]): number {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b)
  if (v.length === 0) return NaN
  const mid = Math.floor(v.length / 2)
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2
}

/** Writes a JSON copy of the results to bench/.tmp/ (gitignored) and returns its path. */
export function saveResults(name: string, data: unknown): string {
  const dir = join(benchDir, '.tmp')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`)
  writeFileSync(file, JSON.stringify(data, null, 1))
  return file
}

/** Reads the current RSS of a process in MB from /proc/<pid>/status. */
export { procStats } from './servers'
