import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Api } from '../helpers/api'
import { waitFor } from '../helpers/clients'
import { readAnnotations } from '../helpers/disk'
import { artifactPath, browserAvailable, launchBrowser, signIn } from '../helpers/browser'
import { startServerProcess, type ServerProcess } from '../helpers/server-process'

let server: ServerProcess
let browser: Browser
let admin: Api
const project = 'web'
const users: Record<string, { id: string }> = {}
const contexts: BrowserContext[] = []

describe.skipIf(!browserAvailable)('annotate view in Chromium', () => {
  beforeAll(async () => {
    server = await startServerProcess()
    admin = await Api.login(server.url, 'admin', 'admin-password')
    await admin.createProject({
      id: project,
      name: 'Web test',
      labels: ['pos', 'neg', 'neutral'],
      overlap: 2,
      blind: true,
    })
    const rows = ['id,text']
    for (let i = 0; i < 60; i++)
      rows.push(`ext-${i},"This is item number ${i}. It has some text to read."`)
    await admin.importItemsCsv(project, rows.join('\n') + '\n')
    for (const [name, role] of [
      ['ann1', 'annotator'],
      ['ann2', 'annotator'],
      ['rev', 'reviewer'],
    ] as const) {
      const u = await admin.createUser(name, 'password-123')
      await admin.addMember(project, u.id, role)
      users[name] = u
    }
    browser = await launchBrowser()
  })

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined)
    await browser?.close()
    await server?.stop()
  })

  async function open(name: string): Promise<{ page: Page; context: BrowserContext }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    contexts.push(context)
    const page = await context.newPage()
    await signIn(page, server.url, name, 'password-123')
    await page.goto(`${server.url}/p/${project}/annotate`)
    await page.locator('[data-testid="item-id"]').waitFor({ timeout: 10_000 })
    await page.locator('[data-testid="connection-status"][data-status="connected"]').waitFor()
    return { page, context }
  }

  const currentItem = (page: Page) =>
    page.locator('[data-testid="item-id"]').getAttribute('data-item')

  /** Presses a label key and waits for the next item; returns the item that was labelled. */
  async function labelWithKey(page: Page, key: string): Promise<string> {
    const item = (await currentItem(page))!
    await page.keyboard.press(key)
    await waitFor(async () => (await currentItem(page)) !== item, `next item after ${key}`)
    return item
  }

  const keyValue: Record<string, string> = { '1': 'pos', '2': 'neg', '3': 'neutral' }

  it('two annotators label with the keyboard only; the annotations table holds exactly what each chose', async () => {
    const a = await open('ann1')
    const b = await open('ann2')
    const expected: Array<[string, string, string]> = []
    for (const [who, page, keys] of [
      ['ann1', a.page, ['1', '2', '3', '1', '2']],
      ['ann2', b.page, ['3', '3', '2', '1', '1']],
    ] as const) {
      for (const key of keys)
        expected.push([await labelWithKey(page, key), users[who]!.id, keyValue[key]!])
    }
    await a.page.screenshot({ path: artifactPath('annotate.png') })
    const rows = () =>
      readAnnotations(server.dataDir, project).map((r) => [
        String(r.item_id),
        r.annotator_id,
        r.value,
      ])
    await waitFor(() => rows().length === expected.length, 'ten annotations on disk')
    expect(rows().sort()).toEqual([...expected].sort())
    await a.context.close()
    await b.context.close()
  })

  it('offline: five labels wait in the browser, then all reach the server once', async () => {
    const { page, context } = await open('ann1')
    const before = readAnnotations(server.dataDir, project).length
    await context.setOffline(true)
    await page.locator('[data-testid="connection-status"][data-status="offline"]').waitFor()
    const labelled: string[] = []
    for (const key of ['1', '2', '3', '2', '1']) labelled.push(await labelWithKey(page, key))
    await expect
      .poll(() => page.locator('[data-testid="waiting-edits"]').textContent())
      .toContain('5 edits waiting')
    expect(readAnnotations(server.dataDir, project).length).toBe(before)

    await context.setOffline(false)
    await page
      .locator('[data-testid="connection-status"][data-status="connected"]')
      .waitFor({ timeout: 15_000 })
    await waitFor(
      () => readAnnotations(server.dataDir, project).length === before + 5,
      'five more annotations',
    )
    const mine = readAnnotations(server.dataDir, project).filter(
      (r) => r.annotator_id === users.ann1!.id,
    )
    for (const item of labelled)
      expect(mine.filter((r) => String(r.item_id) === item)).toHaveLength(1)
    await page
      .locator('[data-testid="waiting-edits"]')
      .waitFor({ state: 'detached', timeout: 10_000 })
    // The queue does not hand back what was labelled offline.
    for (let i = 0; i < 5; i++) expect(labelled).not.toContain(await labelWithKey(page, '3'))
    await context.close()
  })

  it("a reviewer sees who is on which item; in blind mode B's page never receives A's labels", async () => {
    const a = await open('ann1')
    const framesB: string[] = []
    const socketsB: string[] = []
    const contextB = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    contexts.push(contextB)
    const pageB = await contextB.newPage()
    pageB.on('websocket', (ws) => {
      socketsB.push(ws.url())
      ws.on('framereceived', (f) =>
        framesB.push(typeof f.payload === 'string' ? f.payload : f.payload.toString('latin1')),
      )
    })
    await signIn(pageB, server.url, 'ann2', 'password-123')
    await pageB.goto(`${server.url}/p/${project}/annotate`)
    await pageB.locator('[data-testid="item-id"]').waitFor()
    const reviewer = await open('rev')

    // A labels with a note nobody else may see, then moves on.
    await a.page.keyboard.press('n')
    await a.page.keyboard.type('SECRET-NOTE-OF-A')
    await a.page.keyboard.press('Escape')
    await labelWithKey(a.page, '2')
    const aItem = (await currentItem(a.page))!

    const avatar = reviewer.page.locator(`[data-testid="presence"] [data-user="${users.ann1!.id}"]`)
    await avatar.waitFor({ timeout: 5_000 })
    await expect.poll(() => avatar.getAttribute('data-item'), { timeout: 5_000 }).toBe(aItem)
    // B sees that A is there...
    await pageB
      .locator(`[data-testid="presence"] [data-user="${users.ann1!.id}"]`)
      .waitFor({ timeout: 5_000 })
    await new Promise((r) => setTimeout(r, 500))
    // ...but not what A chose: no frame B received carries A's note, and B opened no room of A's.
    expect(framesB.length).toBeGreaterThan(0)
    expect(framesB.some((f) => f.includes('SECRET-NOTE-OF-A'))).toBe(false)
    expect(socketsB.some((u) => u.includes(`/labels/${project}/${users.ann1!.id}`))).toBe(false)
    // The reviewer, who may read A's labels, does get them.
    const seen = await reviewer.page.evaluate(
      async ([p, id]) => {
        const res = await fetch(`/api/projects/${p}/items?annotator=${id}&labelled=yes&limit=100`)
        return res.status
      },
      [project, users.ann1!.id] as const,
    )
    expect(seen).toBe(200)
  })

  it('"flag as ambiguous" puts the item on the reviewers\' list', async () => {
    const a = await open('ann2')
    const item = (await currentItem(a.page))!
    await a.page.keyboard.press('n')
    await a.page.keyboard.type('spam or marketing?')
    await a.page.keyboard.press('Escape')
    await a.page.keyboard.press('f')
    await a.page.getByText('Flagged as ambiguous: reviewers will see it.').waitFor()
    const reviewer = await open('rev')
    await reviewer.page.goto(`${server.url}/p/${project}/flags`)
    const row = reviewer.page.locator(`[data-testid="flags"] tr[data-item="${item}"]`)
    await row.waitFor({ timeout: 5_000 })
    expect(await row.textContent()).toContain('spam or marketing?')
  })

  it('a booklet link (?item=<external id>) opens that item', async () => {
    const { page } = await open('ann2')
    await page.goto(`${server.url}/p/${project}/annotate?item=ext-42`)
    await expect
      .poll(() => page.locator('[data-testid="item-id"]').textContent(), { timeout: 10_000 })
      .toBe('ext-42')
    await page.getByText('reviewing a previous item').waitFor()
  })
})
