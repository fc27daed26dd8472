import { bookletForLabels, writeBookletToDoc } from '@concord/core'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Api } from '../helpers/api'
import { artifactPath, browserAvailable, launchBrowser, signIn } from '../helpers/browser'
import { connectProvider, waitFor, waitSynced } from '../helpers/clients'
import { startServerProcess, type ServerProcess } from '../helpers/server-process'

let server: ServerProcess
let browser: Browser
const project = 'versions'

describe.skipIf(!browserAvailable)('guideline versions in Chromium', () => {
  beforeAll(async () => {
    server = await startServerProcess()
    const admin = await Api.login(server.url, 'admin', 'admin-password')
    await admin.createProject({ id: project, name: 'Versions', labels: ['pos', 'neg'], overlap: 1 })
    await admin.importItemsCsv(
      project,
      'id,text\n' + Array.from({ length: 12 }, (_, i) => `v${i},"Text ${i}"`).join('\n') + '\n',
    )
    for (const [name, role] of [
      ['ann', 'annotator'],
      ['rev', 'reviewer'],
    ] as const) {
      const u = await admin.createUser(name, 'password-123')
      await admin.addMember(project, u.id, role)
    }
    const booklet = connectProvider(server.wsUrl, `booklet/${project}`, admin.token)
    await waitSynced(booklet)
    writeBookletToDoc(
      booklet.doc,
      bookletForLabels('Versions', [
        { id: 'pos', name: 'pos' },
        { id: 'neg', name: 'neg' },
      ]),
    )
    await new Promise((r) => setTimeout(r, 300))
    booklet.destroy()
    browser = await launchBrowser()
  })

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  async function page(name: string, path: string): Promise<Page> {
    const p = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage()
    p.setDefaultTimeout(10_000)
    await signIn(p, server.url, name, 'password-123')
    await p.goto(`${server.url}${path}`)
    await p.locator('[data-testid="connection-status"][data-status="connected"]').waitFor()
    return p
  }

  async function label(p: Page, key: string): Promise<string> {
    const item = (await p.locator('[data-testid="item-id"]').textContent())!
    await p.keyboard.press(key)
    await waitFor(
      async () => (await p.locator('[data-testid="item-id"]').textContent()) !== item,
      'next item',
    )
    return item
  }

  it('a definition change flags exactly the labels made under the old version', async () => {
    const ann = await page('ann', `/p/${project}/annotate`)
    await ann.locator('[data-testid="item-id"]').waitFor()
    const oldPos = [await label(ann, '1'), await label(ann, '1')]
    await label(ann, '2') // neg: its definition does not change

    const rev = await page('rev', `/p/${project}/booklet`)
    const section = rev.locator('[data-testid=label-section-pos]')
    await section.locator('[data-testid=edit-toggle]').click()
    await section.locator('[data-testid=definition-editor]').focus()
    await rev.keyboard.type('Only clearly positive statements count.')
    await section.locator('[data-testid=edit-toggle]').click()
    await expect
      .poll(() => section.locator('[data-testid=label-version]').textContent())
      .toContain('2')

    // Labels made after the change carry the new version and are not listed.
    await waitFor(async () => {
      const res = await fetch(`${server.url}/api/projects/${project}/recheck`, {
        headers: {
          authorization: `Bearer ${(await Api.login(server.url, 'rev', 'password-123')).token}`,
        },
      })
      return ((await res.json()) as { versions: Record<string, number> }).versions.pos === 2
    }, 'server sees pos at v2')
    // And the annotator's client has it (a label stamps the version its client knows): under a
    // loaded machine a fixed pause was not always long enough.
    await waitFor(
      async () =>
        (
          (await ann.locator('.label-button[data-label="pos"]').getAttribute('title')) ?? ''
        ).includes('Only clearly positive statements count.'),
      "the annotator's client has the new definition",
    )
    const newPos = await label(ann, '1')

    await rev.goto(`${server.url}/p/${project}/flags`)
    const rows = rev.locator('[data-testid="recheck"] tbody tr')
    await waitFor(async () => (await rows.count()) === 2, 'two labels to re-check')
    const listed = await rows.locator('td:first-child').allTextContents()
    expect(listed.sort()).toEqual([...oldPos].sort())
    expect(listed).not.toContain(newPos)
    await rev.screenshot({ path: artifactPath('follow-up.png') })
  })
})
