// Production bundle size per route, gzipped, from Vite's manifest. Target (issue 4): the annotate
// route under 150 KB gzipped.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { gzipSync } from 'node:zlib'

const web = resolve(import.meta.dirname, '..')
execFileSync('npx', ['vite', 'build', '--logLevel', 'error'], { cwd: web, stdio: 'inherit' })
const dist = join(web, 'dist')
interface Chunk {
  file: string
  imports?: string[]
  css?: string[]
  isEntry?: boolean
  src?: string
}
const manifest = JSON.parse(readFileSync(join(dist, '.vite/manifest.json'), 'utf8')) as Record<
  string,
  Chunk
>

/** Files a route loads before it can paint: its chunk, static imports (transitively) and CSS. */
function closure(keys: string[]): Set<string> {
  const files = new Set<string>()
  const seen = new Set<string>()
  const visit = (key: string): void => {
    if (seen.has(key)) return
    seen.add(key)
    const chunk = manifest[key]
    if (!chunk) throw new Error(`no chunk ${key} in the manifest`)
    files.add(chunk.file)
    for (const css of chunk.css ?? []) files.add(css)
    for (const dep of chunk.imports ?? []) visit(dep)
  }
  keys.forEach(visit)
  return files
}

const entry = Object.keys(manifest).find((k) => manifest[k]!.isEntry)!
const routes: Array<[string, string[]]> = [
  ['sign-in + project list', [entry]],
  ['annotate', [entry, 'src/views/AnnotateView.tsx']],
  ['booklet', [entry, 'src/views/BookletView.tsx']],
  ['settings (admin)', [entry, 'src/views/SettingsView.tsx']],
]
console.log('| route | files | raw KB | gzip KB | target |')
console.log('| --- | ---: | ---: | ---: | --- |')
for (const [name, keys] of routes) {
  const files = closure(keys)
  let raw = 0
  let gz = 0
  for (const f of files) {
    const bytes = readFileSync(join(dist, f))
    raw += bytes.length
    gz += gzipSync(bytes, { level: 9 }).length
  }
  const target = name === 'annotate' ? (gz / 1024 < 150 ? 'PASS < 150 KB' : 'FAIL >= 150 KB') : ''
  console.log(
    `| ${name} | ${files.size} | ${(raw / 1024).toFixed(1)} | ${(gz / 1024).toFixed(1)} | ${target} |`,
  )
}
