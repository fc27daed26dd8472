// Enforces the dependency direction of DESIGN.md (metrics <- core <- apps) and fails on any
// import cycle between source modules. Lint cannot see across packages, this script can.
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

const root = resolve(dirname(new URL(import.meta.url).pathname), '..')

const allowedBare: Record<string, RegExp> = {
  'packages/metrics': /^$/, // no dependencies at all
  'packages/core': /^(yjs|zod|lib0(\/.*)?|y-protocols(\/.*)?|@concord\/metrics)$/,
}

function sourceFiles(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue
    const path = join(dir, name)
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path))
    else if (/\.(ts|tsx)$/.test(name) && !/\.d\.ts$/.test(name)) out.push(path)
  }
  return out
}

const importRe =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const specs: string[] = []
  for (const m of text.matchAll(importRe)) {
    const spec = m[1] ?? m[2]
    if (spec && !/^\s*import\s+type\b/.test(m[0].trim())) specs.push(spec)
  }
  return specs
}

function resolveRelative(from: string, spec: string): string | undefined {
  const base = resolve(dirname(from), spec)
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) {
    try {
      if (statSync(candidate).isFile()) return candidate
    } catch {
      // try the next candidate
    }
  }
  return undefined
}

const problems: string[] = []
const graph = new Map<string, string[]>()
const dirs = ['packages/metrics/src', 'packages/core/src', 'apps/server/src', 'apps/web/src']
for (const dir of dirs) {
  let files: string[] = []
  try {
    files = sourceFiles(join(root, dir))
  } catch {
    continue
  }
  const pkg = dir.replace(/\/src$/, '')
  for (const file of files) {
    const edges: string[] = []
    for (const spec of importsOf(file)) {
      if (spec.startsWith('.')) {
        const target = resolveRelative(file, spec)
        if (target) edges.push(target)
        continue
      }
      const rule = allowedBare[pkg]
      const isTest = /\.test\.tsx?$/.test(file)
      if (rule && !isTest && !rule.test(spec)) {
        problems.push(`${relative(root, file)}: ${pkg} may not import '${spec}'`)
      }
    }
    graph.set(file, edges)
  }
}

// Depth-first search for back edges: each one closes a cycle.
const state = new Map<string, 'open' | 'done'>()
const stack: string[] = []
function visit(node: string): void {
  state.set(node, 'open')
  stack.push(node)
  for (const next of graph.get(node) ?? []) {
    const s = state.get(next)
    if (s === 'open') {
      const cycle = stack.slice(stack.indexOf(next)).concat(next)
      problems.push(`import cycle: ${cycle.map((f) => relative(root, f)).join(' -> ')}`)
    } else if (s === undefined) visit(next)
  }
  stack.pop()
  state.set(node, 'done')
}
for (const node of graph.keys()) if (!state.has(node)) visit(node)

if (problems.length > 0) {
  console.error(problems.join('\n'))
  process.exit(1)
}
console.log(`imports ok: ${graph.size} modules, dependency direction and no cycles`)
