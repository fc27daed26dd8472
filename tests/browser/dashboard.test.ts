import { readFileSync } from 'node:fs'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Api } from '../helpers/api'
import { artifactPath, browserAvailable, openSignedIn, type SignedInPage } from '../helpers/browser'
import { startServerProcess, type ServerProcess } from '../helpers/server-process'

interface Agreement {
  counts: { annotations: number }
  overall: { alpha: { value: number | null } }
  pairwise: { annotators: Array<{ id: string }>; kappa: (number | null)[][] }
}

let server: ServerProcess
let signedIn: SignedInPage | undefined
let page: Page
let admin: Api
const project = 'agree'
const labels = ['pos', 'neg', 'neutral']
const annotators = ['ann-a', 'ann-b', 'ann-c']
const ITEMS = 30

/** ann-a gives the "true" label; ann-b and ann-c each drift on their own items. */
function labelOf(annotator: string, i: number): string {
  const truth = i % 3
  const drift =
    (annotator === 'ann-b' && i % 5 === 0) || (annotator === 'ann-c' && i % 4 === 1) ? 1 : 0
  return labels[(truth + drift) % 3]!
}

function labelsCsv(rows: Array<[item: string, annotator: string, label: string]>): string {
  return ['item,annotator,label', ...rows.map((r) => r.join(','))].join('\n') + '\n'
}

const agreementUrl = (query = '') => `/api/projects/${project}/agreement${query}`

/** The JSON endpoint, polled until the labels written so far are all counted. */
async function agreementOnceCounted(annotations: number, query = ''): Promise<Agreement> {
  let last: Agreement | undefined
  await expect
    .poll(
      async () => {
        last = await admin.request<Agreement>('GET', agreementUrl(query))
        return last.counts.annotations
      },
      { timeout: 15_000 },
    )
    .toBe(annotations)
  return last!
}

/** Opens the dashboard; fails at once (not after a timeout) if the app has no such route. */
async function openDashboard(): Promise<void> {
  await page.goto(`${server.url}/p/${project}/dashboard`)
  const title = page.getByRole('heading', { level: 1 })
  await title.waitFor({ timeout: 15_000 })
  expect(await title.textContent(), 'the app routes /p/:id/dashboard to DashboardView').toBe(
    'Agreement',
  )
}

const alphaCard = () => page.locator('[data-testid="coef-alpha"] [data-testid="coef-value"]')

describe.skipIf(!browserAvailable)('agreement dashboard in Chromium', () => {
  beforeAll(async () => {
    server = await startServerProcess()
    admin = await Api.login(server.url, 'admin', 'admin-password')
    await admin.createProject({ id: project, name: 'Agreement test', labels, overlap: 3 })
    const items = ['id,text']
    for (let i = 0; i < ITEMS; i++) items.push(`ext-${i},"Review number ${i}: was it good?"`)
    await admin.importItemsCsv(project, items.join('\n') + '\n')
    for (const name of annotators) {
      const u = await admin.createUser(name, 'password-123')
      await admin.addMember(project, u.id, 'annotator')
    }
    const rows: Array<[string, string, string]> = []
    for (const a of annotators)
      for (let i = 0; i < ITEMS; i++) rows.push([`ext-${i}`, a, labelOf(a, i)])
    await admin.request('POST', `/api/projects/${project}/labels/import`, labelsCsv(rows))

    signedIn = await openSignedIn(server.url, 'admin', 'admin-password', {
      width: 1280,
      height: 800,
    })
    page = signedIn.page
  })

  afterAll(async () => {
    await signedIn?.close()
    await server?.stop()
  })

  it('shows the same alpha as the JSON endpoint, one heatmap cell per pair, and CSV downloads', async () => {
    const json = await agreementOnceCounted(annotators.length * ITEMS)
    expect(json.overall.alpha.value).not.toBeNull()
    const alpha = json.overall.alpha.value!.toFixed(3)

    await openDashboard()
    await expect.poll(() => alphaCard().textContent(), { timeout: 15_000 }).toBe(alpha)
    await expect(page.locator('[data-testid="dash-updated"]').textContent()).resolves.toMatch(
      /updated \d\d:\d\d:\d\d/,
    )

    // One cell per pair of annotators, each printing its kappa and the shared items.
    const n = json.pairwise.annotators.length
    expect(n).toBe(3)
    const cells = page.locator('[data-testid="heatmap-cell"]')
    await expect.poll(() => cells.count()).toBe((n * (n - 1)) / 2)
    for (let c = 0; c < (n * (n - 1)) / 2; c++) {
      const cell = cells.nth(c)
      const [rowId, colId] = await Promise.all([
        cell.getAttribute('data-row'),
        cell.getAttribute('data-col'),
      ])
      const i = json.pairwise.annotators.findIndex((a) => a.id === rowId)
      const j = json.pairwise.annotators.findIndex((a) => a.id === colId)
      const kappa = json.pairwise.kappa[i]![j] ?? null
      const text = await cell.locator('text').allTextContents()
      expect(text[0]).toBe(kappa === null ? '—' : kappa.toFixed(3))
      expect(text[1]).toBe(`n=${ITEMS}`)
    }

    await page.screenshot({ path: artifactPath('dashboard.png') })

    // The chart's CSV link downloads a CSV with a header row.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-testid="pairwise-csv"]').click(),
    ])
    const csv = readFileSync((await download.path())!, 'utf8')
      .trim()
      .split(/\r?\n/)
    expect(csv[0]).toMatch(/^[a-z_]+(,[a-z_]+)+$/)
    expect(csv[0]).toContain('kappa')
    expect(csv.length).toBe(1 + n * (n - 1))
  })

  it('is live: labels that arrive change the numbers without a reload', async () => {
    await openDashboard()
    const before = await agreementOnceCounted(annotators.length * ITEMS)
    await expect.poll(() => alphaCard().textContent()).toBe(before.overall.alpha.value!.toFixed(3))
    // ann-c comes round to ann-a's labels on every item it drifted on.
    const fixes: Array<[string, string, string]> = []
    for (let i = 0; i < ITEMS; i++)
      if (labelOf('ann-c', i) !== labelOf('ann-a', i))
        fixes.push([`ext-${i}`, 'ann-c', labelOf('ann-a', i)])
    await admin.request('POST', `/api/projects/${project}/labels/import`, labelsCsv(fixes))
    let after = before
    await expect
      .poll(
        async () => {
          after = await admin.request<Agreement>('GET', agreementUrl())
          return after.overall.alpha.value
        },
        { timeout: 15_000 },
      )
      .not.toBe(before.overall.alpha.value)
    await expect
      .poll(() => alphaCard().textContent(), { timeout: 25_000 })
      .toBe(after.overall.alpha.value!.toFixed(3))
  })

  it('filters refetch with the filter in the query', async () => {
    await openDashboard()
    await alphaCard().waitFor()
    const json = await admin.request<Agreement>('GET', agreementUrl('?label=pos'))
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('/agreement?') && r.url().includes('label=pos')),
      page.locator('#dash-label').selectOption('pos'),
    ])
    expect(response.status()).toBe(200)
    const expected =
      json.overall.alpha.value === null ? 'undefined' : json.overall.alpha.value.toFixed(3)
    await expect.poll(() => alphaCard().textContent()).toBe(expected)
    expect(await page.locator('[data-testid="pairwise-csv"]').getAttribute('href')).toBe(
      `/api/projects/${project}/agreement/pairwise.csv?label=pos`,
    )
  })

  it('the Hotspots tab ranks disagreeing items with links to annotate them', async () => {
    await openDashboard()
    await page.getByRole('tab', { name: 'Hotspots' }).click()
    const first = page.locator('[data-testid="hot-item"]').first()
    await first.waitFor({ timeout: 15_000 })
    expect(await first.locator('a').first().getAttribute('href')).toMatch(
      new RegExp(`^/p/${project}/annotate\\?item=ext-\\d+$`),
    )
    await page.screenshot({ path: artifactPath('dashboard-hotspots.png'), fullPage: true })
  })
})
