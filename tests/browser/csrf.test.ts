// CSRF in a real browser (issue 31, point 4): a page served from another port of the same host is
// the same *site*, so the SameSite=Lax session cookie rides along on its requests. With the
// admin signed in, that page tries to create an admin account with a cross-origin form post
// (text/plain JSON) and with a no-cors fetch; Concord must refuse both and change nothing.
// The same signed-in admin then walks the app's pages: it must run with no CSP violation.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Api } from '../helpers/api'
import { browserAvailable, openSignedIn, type SignedInPage } from '../helpers/browser'
import { startServerProcess, type ServerProcess } from '../helpers/server-process'

const WAIT_MS = 15_000
const PROJECT = 'csrf'

/** The attacker's page: a form post and a fetch at Concord's /api/users, then done. */
function attackerPage(concord: string): string {
  const account = (name: string) => ({
    username: name,
    password: 'x7-correct-horse-battery',
    isAdmin: true,
  })
  // text/plain form encoding sends `name=value`: the name carries the JSON up to the last
  // string, whose value closes it (displayName "x=").
  const formJson = JSON.stringify({ ...account('evil-form'), displayName: 'x' })
  const fieldName = formJson.slice(0, -2)
  const fieldValue = '"}'
  const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;')
  return `<!doctype html><title>cute cats</title>
<form id="f" method="POST" action="${concord}/api/users" enctype="text/plain">
  <input type="hidden" name="${attr(fieldName)}" value="${attr(fieldValue)}">
</form>
<script>
  fetch(${JSON.stringify(`${concord}/api/users`)}, {
    method: 'POST',
    mode: 'no-cors',
    credentials: 'include',
    headers: { 'content-type': 'text/plain' },
    body: ${JSON.stringify(JSON.stringify(account('evil-fetch')))},
  }).finally(() => document.getElementById('f').submit())
</script>`
}

describe.skipIf(!browserAvailable)('cross-origin requests in Chromium', () => {
  let server: ServerProcess
  let admin: Api
  let attacker: Server
  let attackerUrl: string
  let signedIn: SignedInPage

  beforeAll(async () => {
    server = await startServerProcess()
    admin = await Api.login(server.url, 'admin', 'admin-password')
    await admin.createProject({ id: PROJECT, name: 'CSRF', labels: ['pos', 'neg'] })
    await admin.importItemsCsv(PROJECT, 'id,text\na,"first item"\nb,"second item"\n')
    attacker = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      res.end(attackerPage(server.url))
    })
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve))
    attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`
    signedIn = await openSignedIn(server.url, 'admin', 'admin-password', {
      width: 1280,
      height: 800,
    })
  }, 120_000)

  afterAll(async () => {
    await signedIn?.close()
    await new Promise((resolve) => attacker?.close(resolve))
    await server?.stop()
  })

  const usernames = async () =>
    (await admin.request<{ users: Array<{ username: string }> }>('GET', '/api/users')).users.map(
      (u) => u.username,
    )

  it('a page on another port cannot make the signed-in admin create an account', async () => {
    const page = await signedIn.page.context().newPage()
    try {
      const isPost = (r: { url(): string; method(): string }) =>
        r.url() === `${server.url}/api/users` && r.method() === 'POST'
      const fetched = page.waitForRequest((r) => isPost(r) && r.resourceType() === 'fetch', {
        timeout: WAIT_MS,
      })
      const posted = page.waitForResponse(
        (r) => isPost(r.request()) && r.request().resourceType() === 'document',
        { timeout: WAIT_MS },
      )
      await page.goto(attackerUrl)
      // The page submits the form once its fetch has settled, so both have been answered here.
      const [, viaForm] = await Promise.all([fetched, posted])
      // The browser did send the cookie (same site): only the server's checks stop them.
      expect(await viaForm.request().headerValue('cookie')).toContain('concord_session=')
      expect(viaForm.status()).toBe(403)
      expect(await viaForm.text()).toContain('cross-origin request refused')
    } finally {
      await page.close()
    }
    const names = await usernames()
    expect(names).not.toContain('evil-form')
    expect(names).not.toContain('evil-fetch')
    expect(names).toEqual(['admin'])
  })

  it("Concord's own pages still work, under its CSP with no violation", async () => {
    const { page } = signedIn
    const violations: string[] = []
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text())
    })
    await page.exposeBinding('reportCspViolation', (_source, text: string) => {
      violations.push(text)
    })
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        const report = (window as unknown as { reportCspViolation(text: string): void })
          .reportCspViolation
        report(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`)
      })
    })
    const visit = async (path: string, ready: (p: Page) => Promise<unknown>) => {
      await page.goto(server.url + path)
      await ready(page)
    }
    await visit('/', (p) =>
      p.getByRole('heading', { name: 'Projects' }).waitFor({ timeout: WAIT_MS }),
    )
    await visit(`/p/${PROJECT}/booklet`, (p) =>
      p
        .locator('[data-testid="connection-status"][data-status="connected"]')
        .waitFor({ timeout: WAIT_MS }),
    )
    await visit(`/p/${PROJECT}/annotate`, (p) =>
      p.locator('[data-testid="item-id"]').waitFor({ timeout: WAIT_MS }),
    )
    for (const path of [`/p/${PROJECT}/settings`, `/p/${PROJECT}/dashboard`, '/users']) {
      await visit(path, (p) => p.getByRole('heading', { level: 1 }).first().waitFor())
    }
    // A change from Concord's own page goes through (same-origin, JSON).
    const created = await page.evaluate(async () => {
      const res = await fetch('/api/users', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'friend', password: 'x7-correct-horse-battery' }),
      })
      return res.status
    })
    expect(created).toBe(201)
    expect(violations).toEqual([])
  })
})
