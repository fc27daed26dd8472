// A review session in headless Chromium against a real server: a reviewer and two annotators
// join, the leader walks through three agenda items and every page follows, a decision added to
// the booklet reaches the annotators' booklets within a second, the minutes land in the booklet
// when the session ends, and the adjudicated labels are what the server holds afterwards.
import { writeBookletToDoc } from '@concord/core'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { Api } from '../helpers/api'
import {
  artifactPath,
  browserAvailable,
  launchBrowser,
  signIn as signInForm,
} from '../helpers/browser'
import { connectProvider, waitFor, waitSynced } from '../helpers/clients'
import { startServerProcess, type ServerProcess } from '../helpers/server-process'

const PASSWORD = 'password-123'
const PROJECT = 'meet'
const TITLE = 'Week 12 review'

describe.skipIf(!browserAvailable)('review session', () => {
  let server: ServerProcess
  let admin: Api
  let browser: Browser
  const contexts: BrowserContext[] = []
  const providers: WebsocketProvider[] = []
  const users: Record<string, { id: string; api: Api }> = {}
  let items: Array<{ id: string; externalId: string }> = []

  /** Writes into a room as an official y-websocket client and waits until the server has it. */
  async function write(room: string, token: string, fill: (doc: Y.Doc) => void): Promise<void> {
    const doc = new Y.Doc()
    const provider = connectProvider(server.wsUrl, room, token, doc)
    providers.push(provider)
    await waitSynced(provider)
    fill(doc)
    const check = new Y.Doc()
    const reader = connectProvider(server.wsUrl, room, token, check)
    providers.push(reader)
    const want = Y.encodeStateVector(doc)
    await waitFor(async () => {
      await waitSynced(reader)
      return Y.encodeStateAsUpdate(doc, Y.encodeStateVector(check)).length <= 2
    }, `${room} stored (${want.length})`)
    provider.destroy()
    reader.destroy()
  }

  async function signIn(username: string, password = PASSWORD): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    contexts.push(context)
    const page = await context.newPage()
    page.setDefaultTimeout(10_000)
    await signInForm(page, server.url, username, password)
    return page
  }

  async function newPage(of: Page): Promise<Page> {
    const page = await of.context().newPage()
    page.setDefaultTimeout(10_000)
    return page
  }

  const id = (ext: string): string => items.find((i) => i.externalId === ext)!.id

  beforeAll(async () => {
    server = await startServerProcess()
    admin = await Api.login(server.url, 'admin', 'admin-password')
    users.rita = await admin.createUser('rita', PASSWORD)
    users.ana = await admin.createUser('ana', PASSWORD)
    users.ben = await admin.createUser('ben', PASSWORD)
    // A review meeting ends the blind phase: this project is not blind.
    for (const [project, blind] of [
      [PROJECT, false],
      ['blindp', true],
    ] as const) {
      await admin.createProject({ id: project, name: project, labels: ['spam', 'ham'], blind })
      await admin.addMember(project, users.rita.id, 'reviewer')
      await admin.addMember(project, users.ana.id, 'annotator')
      await admin.addMember(project, users.ben.id, 'annotator')
    }
    await admin.importItemsCsv(
      PROJECT,
      'id,text\n' +
        ['e1,Win a free cruise', 'e2,Lunch tomorrow?', 'e3,Your invoice', 'e4,Hello'].join('\n') +
        '\n',
    )
    items = (await admin.items(PROJECT)).map((i) => ({ ...i, id: String(i.id) }))
    await write(`booklet/${PROJECT}`, admin.token, (doc) =>
      writeBookletToDoc(doc, {
        title: 'Meet',
        intro: '',
        labels: [
          {
            id: 'spam',
            name: 'Spam',
            definition: 'Unsolicited bulk mail.',
            includes: '',
            excludes: '',
          },
          { id: 'ham', name: 'Ham', definition: 'Everything else.', includes: '', excludes: '' },
        ],
        examples: [],
        discussions: [],
      }),
    )
    // The two annotators disagree on e1, e2 and e3 and agree on e4.
    const given: Record<string, Record<string, string>> = {
      ana: { e1: 'spam', e2: 'spam', e3: 'ham', e4: 'ham' },
      ben: { e1: 'ham', e2: 'ham', e3: 'spam', e4: 'ham' },
    }
    for (const who of ['ana', 'ben']) {
      await write(`labels/${PROJECT}/${users[who]!.id}`, users[who]!.api.token, (doc) => {
        for (const [ext, value] of Object.entries(given[who]!)) {
          doc.getMap('labels').set(id(ext), { value, note: `${who} on ${ext}`, at: Date.now() })
        }
      })
    }
    browser = await launchBrowser()
  }, 90_000)

  afterAll(async () => {
    for (const p of providers) p.destroy()
    for (const c of contexts) await c.close().catch(() => undefined)
    await browser?.close().catch(() => undefined)
    await server?.stop()
  })

  it('tells an annotator of a blind project why they cannot join', async () => {
    const page = await signIn('ana')
    await page.goto(`${server.url}/p/blindp/review`)
    const text = await page.locator('[data-testid=review-blind]').innerText()
    expect(text).toMatch(/blind mode/i)
  })

  it('runs a session: everyone follows the leader, decisions reach the booklet, minutes at the end', async () => {
    const [rita, ana, ben] = await Promise.all([signIn('rita'), signIn('ana'), signIn('ben')])
    const annotators = [ana, ben]

    // The reviewer creates a session; the agenda is proposed from hotspots and flags.
    await rita.goto(`${server.url}/p/${PROJECT}/review`)
    await rita.locator('[data-testid=review-new] input[name=title]').fill(TITLE)
    await rita.locator('[data-testid=review-new] button[type=submit]').click()
    await rita.waitForSelector('[data-testid=review-draft]')
    const agenda = () =>
      rita.$$eval('[data-testid=review-agenda] li', (lis) =>
        lis.map((li) => li.getAttribute('data-item')!),
      )
    await waitFor(async () => (await agenda()).length >= 3, 'agenda proposed')
    // Editable before it starts: keep exactly the three disputed items, in order.
    for (const item of await agenda()) {
      if (![id('e1'), id('e2'), id('e3')].includes(item)) {
        await rita.click(`[data-testid=review-agenda] li[data-item="${item}"] [aria-label=Remove]`)
      }
    }
    await waitFor(async () => (await agenda()).length === 3, 'agenda of three')
    expect([...(await agenda())].sort()).toEqual([id('e1'), id('e2'), id('e3')].sort())
    const order = await agenda()

    // Everyone opens the review page and the booklet (the annotators' booklet pages).
    const booklets = await Promise.all(annotators.map((p) => newPage(p)))
    await Promise.all(
      booklets.map(async (b) => {
        await b.goto(`${server.url}/p/${PROJECT}/booklet`)
        await b.waitForSelector('.bk-doc[aria-busy=false]')
      }),
    )
    await Promise.all(annotators.map((p) => p.goto(`${server.url}/p/${PROJECT}/review`)))
    await rita.click('[data-testid=review-start]')
    const pages = [rita, ana, ben]
    await Promise.all(pages.map((p) => p.waitForSelector('[data-testid=review-live]')))

    const decisions: Record<string, { label: string; booklet: boolean }> = {
      [order[0]!]: { label: 'spam', booklet: false },
      [order[1]!]: { label: 'ham', booklet: true },
      [order[2]!]: { label: 'spam', booklet: false },
    }
    for (let i = 0; i < 3; i++) {
      if (i > 0) await rita.click('[data-testid=review-next]')
      const item = order[i]!
      // All three pages follow the leader to the same item, with its labels and notes.
      await Promise.all(
        pages.map((p) =>
          p.waitForSelector(`[data-testid=review-live][data-index="${i}"][data-item="${item}"]`),
        ),
      )
      for (const p of pages) {
        await p.waitForSelector('[data-testid=review-labels] tr:nth-child(2)')
        const labels = await p.locator('[data-testid=review-labels]').innerText()
        expect(labels).toContain('ana')
        expect(labels).toContain('ben')
        expect(labels).toMatch(/ana on e\d/)
        expect(await p.locator('[data-testid=review-rules]').innerText()).toContain(
          'Unsolicited bulk mail.',
        )
      }

      const decision = decisions[item]!
      await rita.check(`[data-testid=review-decision] input[value=${decision.label}]`)
      await rita.fill('[data-testid=review-decision] textarea[name=rationale]', `Rule for ${item}.`)
      if (decision.booklet)
        await rita.check('[data-testid=review-decision] input[name=add-to-booklet]')
      await rita.click('[data-testid=review-record]')
      const recordedAt = Date.now()
      await Promise.all(
        pages.map((p) =>
          p.waitForSelector(`[data-testid=review-decided][data-label=${decision.label}]`),
        ),
      )
      if (decision.booklet) {
        const ext = items.find((x) => x.id === item)!.externalId
        await Promise.all(
          booklets.map((b) =>
            b.waitForFunction(
              (e) =>
                [...document.querySelectorAll('[data-testid=example]')].some((el) =>
                  el.textContent?.includes(e),
                ),
              ext,
              { timeout: 5_000 },
            ),
          ),
        )
        expect(Date.now() - recordedAt).toBeLessThan(1_000)
        for (const b of booklets) {
          const example = await b.locator('[data-testid=example]').last().innerText()
          expect(example).toContain(ext)
          expect(example).toContain(`Rule for ${item}.`)
          expect(example).toContain('Ham')
        }
      }
    }
    await rita.screenshot({ path: artifactPath('review-session.png'), fullPage: true })

    // Ending the session appends its minutes to the booklet's discussions.
    rita.once('dialog', (d) => void d.accept())
    await rita.click('[data-testid=review-end]')
    await Promise.all(
      pages.map((p) => p.waitForSelector('[data-testid=review-live]', { state: 'detached' })),
    )
    for (const b of booklets) {
      await b.waitForFunction(
        (title) =>
          [...document.querySelectorAll('[data-testid=discussion]')].some((el) =>
            el.textContent?.includes(`Review session: ${title}`),
          ),
        TITLE,
      )
      const minutes = await b
        .locator('[data-testid=discussion]', { hasText: `Review session: ${TITLE}` })
        .innerText()
      for (const who of ['rita', 'ana', 'ben']) expect(minutes).toContain(who)
      for (const ext of ['e1', 'e2', 'e3']) expect(minutes).toContain(ext)
      expect(minutes).toContain('3 of 3 items decided')
    }

    // The adjudicated labels are the consensus now.
    const reviewer = users.rita!.api
    for (const [item, decision] of Object.entries(decisions)) {
      const res = await reviewer.request<{ adjudication: { label: string; sessionId: string } }>(
        'GET',
        `/api/projects/${PROJECT}/items/${item}/annotations`,
      )
      expect(res.adjudication.label).toBe(decision.label)
      expect(res.adjudication.sessionId).toBeTruthy()
    }
    const consensus = await fetch(`${server.url}/api/projects/${PROJECT}/consensus`, {
      headers: { authorization: `Bearer ${reviewer.token}` },
    })
    // The consensus endpoint: the adjudicated label wins.
    expect(consensus.status).toBe(200)
    const body = (await consensus.json()) as {
      items: Array<{ itemId: string; label: string | null; rule: string }>
    }
    for (const [item, decision] of Object.entries(decisions)) {
      expect(body.items.find((i) => i.itemId === item)).toEqual(
        expect.objectContaining({ label: decision.label, rule: 'adjudicated' }),
      )
    }
  })
})
