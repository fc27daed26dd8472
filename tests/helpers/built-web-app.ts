import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'

/**
 * vitest globalSetup: the browser tests load the built web app (apps/web/dist), which `npm test`
 * builds first. A bare `npx vitest run` on a tree without a build used to let every browser
 * test that ran before the one that built it fail at sign-in; build it once, before any test.
 */
export default function setup(): void {
  const root = resolve(import.meta.dirname, '../..')
  if (existsSync(resolve(root, 'apps/web/dist/index.html'))) return
  execFileSync('npm', ['run', 'build', '-w', '@concord/web'], {
    cwd: root,
    stdio: 'ignore',
    timeout: 180_000,
  })
}
