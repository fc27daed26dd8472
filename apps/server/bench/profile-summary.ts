// Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by function and by package or
// source file, and inclusive time of the heaviest frames. No dependencies, so it can read the
// profiles the sync bench writes with `--profile concord`.
//
//   npx tsx apps/server/bench/profile-summary.ts FILE.cpuprofile [--top 25]
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { isMain } from './lib/servers'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}

interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
  startTime: number
  endTime: number
}

/** node_modules/<pkg> (scoped too), apps/…/src/… file, node:internal, or (program)/(gc)/(idle). */
export function bucketOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)'
  // the innermost package: node_modules/@y/websocket-server/node_modules/ws is ws
  const nm = [...url.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)].pop()
  if (nm) return nm[1]!
  if (url.startsWith('node:')) return url.replace(/^node:internal\/.*$/, 'node:internal')
  const src = /(apps|packages|tests)\/.+$/.exec(url)
  return src ? src[0] : url
}

export function summarize(profile: Profile, top = 25): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const self = new Map<number, number>()
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0))
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0)
  const idle = [...self].reduce(
    (s, [id, t]) => (byId.get(id)?.callFrame.functionName === '(idle)' ? s + t : s),
    0,
  )
  const busy = total - idle
  const pct = (us: number): string => `${((100 * us) / busy).toFixed(1)}%`
  const ms = (us: number): string => `${(us / 1000).toFixed(0)} ms`

  const fnSelf = new Map<string, number>()
  const bucketSelf = new Map<string, number>()
  const inclusive = new Map<string, number>()
  for (const [id, t] of self) {
    const n = byId.get(id)!
    const f = n.callFrame
    if (f.functionName === '(idle)') continue
    const key = `${f.functionName || '(anonymous)'} ${bucketOf(f.url, f.functionName)}:${f.lineNumber + 1}`
    fnSelf.set(key, (fnSelf.get(key) ?? 0) + t)
    const b = bucketOf(f.url, f.functionName)
    bucketSelf.set(b, (bucketSelf.get(b) ?? 0) + t)
    // inclusive: credit every distinct frame on the stack once
    const seen = new Set<string>()
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const cf = byId.get(cur)!.callFrame
      const k = `${cf.functionName || '(anonymous)'} ${bucketOf(cf.url, cf.functionName)}:${cf.lineNumber + 1}`
      if (seen.has(k)) continue
      seen.add(k)
      inclusive.set(k, (inclusive.get(k) ?? 0) + t)
    }
  }
  const sorted = (m: Map<string, number>): Array<[string, number]> =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, top)
  const lines = [
    `wall ${ms(profile.endTime - profile.startTime)}, busy (not idle) ${ms(busy)}`,
    '',
    'self time by package / source file:',
    ...sorted(bucketSelf).map(([k, t]) => `  ${pct(t).padStart(6)} ${ms(t).padStart(8)}  ${k}`),
    '',
    'self time by function:',
    ...sorted(fnSelf).map(([k, t]) => `  ${pct(t).padStart(6)} ${ms(t).padStart(8)}  ${k}`),
    '',
    'inclusive time (frames under which the time was spent):',
    ...sorted(inclusive).map(([k, t]) => `  ${pct(t).padStart(6)} ${ms(t).padStart(8)}  ${k}`),
  ]
  return lines.join('\n')
}

if (isMain(import.meta.url)) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string', default: '25' } },
  })
  for (const file of positionals) {
    console.log(`== ${file}`)
    console.log(summarize(JSON.parse(readFileSync(file, 'utf8')) as Profile, Number(values.top)))
  }
}
