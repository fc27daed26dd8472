import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import SQLite from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Api } from '../helpers/api'
import { RED_PNG } from '../helpers/images'
import { browserAvailable, openSignedIn, type SignedInPage } from '../helpers/browser'
import { startServerProcess, type ServerProcess } from '../helpers/server-process'

let server: ServerProcess
const pages: SignedInPage[] = []

describe.skipIf(!browserAvailable)('images in the annotate view, in Chromium', () => {
  beforeAll(async () => {
    server = await startServerProcess()
    mkdirSync(join(server.dataDir, 'media', 'pics'), { recursive: true })
    writeFileSync(join(server.dataDir, 'media', 'pics', 'red.png'), RED_PNG)
    const admin = await Api.login(server.url, 'admin', 'admin-password')
    await admin.createProject({ id: 'local', name: 'Local', labels: ['a', 'b'], overlap: 1 })
    await admin.importItemsCsv('local', 'id,image\nred,pics/red.png\n')
    await admin.createProject({ id: 'remote', name: 'Remote', labels: ['a', 'b'], overlap: 1 })
    // An item stored before imports refused remote images, in a project that does not allow them.
    const db = new SQLite(join(server.dataDir, 'concord.db'))
    try {
      db.prepare(
        `insert into items (project_id, external_id, text, media_url, metadata, created_at)
         values ('remote', 'tracked', 'has a remote image', ?, '{}', 0)`,
      ).run(`${server.url}/tracker/pixel.png`)
    } finally {
      db.close()
    }
    const ann = await admin.createUser('ann', 'password-123')
    await admin.addMember('local', ann.id, 'annotator')
    await admin.addMember('remote', ann.id, 'annotator')
  })

  afterAll(async () => {
    for (const p of pages) await p.close()
    await server?.stop()
  })

  async function annotate(project: string) {
    const signed = await openSignedIn(server.url, 'ann', 'password-123', {
      width: 1280,
      height: 800,
    })
    pages.push(signed)
    const requests: string[] = []
    signed.page.on('request', (r) => requests.push(r.url()))
    await signed.page.goto(`${server.url}/p/${project}/annotate`)
    await signed.page.locator('[data-testid="item-id"]').waitFor({ timeout: 10_000 })
    return { page: signed.page, requests }
  }

  it('shows an image of the media directory through the media route', async () => {
    const { page } = await annotate('local')
    const img = page.locator('[data-testid="item-media"]')
    await img.waitFor({ timeout: 10_000 })
    expect(await img.getAttribute('src')).toMatch(/^\/api\/projects\/local\/items\/\d+\/media$/)
    await page.waitForFunction(
      () => {
        const el = document.querySelector<HTMLImageElement>('[data-testid="item-media"]')
        return el !== null && el.complete
      },
      undefined,
      { timeout: 10_000 },
    )
    const size = await img.evaluate((el: HTMLImageElement) => [el.naturalWidth, el.naturalHeight])
    expect(size).toEqual([3, 2])
  })

  it('loads no remote image the project does not allow', async () => {
    const { page, requests } = await annotate('remote')
    await page.locator('[data-testid="item-text"]').waitFor()
    expect(await page.locator('[data-testid="item-media"]').count()).toBe(0)
    expect(requests.filter((u) => u.includes('/tracker/'))).toEqual([])
  })

  it('shows a remote image once a project admin allows remote media in Settings', async () => {
    const signed = await openSignedIn(server.url, 'admin', 'admin-password', {
      width: 1280,
      height: 800,
    })
    pages.push(signed)
    const adminPage = signed.page
    await adminPage.goto(`${server.url}/p/remote/settings`)
    await adminPage.getByLabel('Images from other servers').check()
    await adminPage.getByRole('button', { name: 'Save changes' }).click()
    await adminPage.getByTestId('project-save-status').filter({ hasText: 'Saved.' }).waitFor()

    const { page, requests } = await annotate('remote')
    const img = page.locator('[data-testid="item-media"]')
    await img.waitFor({ timeout: 10_000 })
    expect(await img.getAttribute('src')).toBe(`${server.url}/tracker/pixel.png`)
    await page.waitForFunction(
      () => document.querySelector<HTMLImageElement>('[data-testid="item-media"]')?.complete,
    )
    expect(requests).toContain(`${server.url}/tracker/pixel.png`)
  })
})
