import { readFile, stat } from 'node:fs/promises'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { Hono } from 'hono'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
}

export const DEFAULT_WEB_ROOT = resolve(import.meta.dirname, '../../../web/dist')

/**
 * Serves the built web app (apps/web/dist). Any path that is not a file gets index.html, so the
 * app's own routes work on reload; hashed assets are cached for ever.
 */
export function staticWebApp(root: string = DEFAULT_WEB_ROOT): Hono {
  const app = new Hono()
  const base = resolve(root)
  app.get('*', async (c) => {
    let path: string
    try {
      path = decodeURIComponent(new URL(c.req.url).pathname)
    } catch {
      return c.text('bad path', 400)
    }
    const file = normalize(join(base, path))
    if (file !== base && !file.startsWith(base + sep)) return c.text('not found', 404)
    const found = await isFile(file)
    const target = found ? file : join(base, 'index.html')
    let body: Buffer
    try {
      body = await readFile(target)
    } catch {
      return c.html(
        '<!doctype html><title>Concord</title><h1>Concord is running</h1>' +
          '<p>The web app is not built. Run <code>npm run build -w @concord/web</code> ' +
          '(<code>npm start</code> does this), or use the API under <code>/api</code>.</p>',
        503,
      )
    }
    const type = TYPES[extname(target)] ?? 'application/octet-stream'
    const cache =
      found && path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache'
    return c.body(new Uint8Array(body), 200, { 'content-type': type, 'cache-control': cache })
  })
  return app
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile()
  } catch {
    return false
  }
}
