import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Api } from '../helpers/api'
import { artifactPath, browserAvailable, openSignedIn, type SignedInPage } from '../helpers/browser'
import { startServerProcess, type ServerProcess } from '../helpers/server-process'

interface Cluster {
  cluster: number
  size: number
  labelled: number
  gap: boolean
}
interface ClusterItems {
  cluster: number
  items: Array<{ itemId: string; externalId: string }>
}
interface MapPoint {
  itemId: string
  externalId: string
  x: number
  y: number
  cluster: number
}

let server: ServerProcess
let signedIn: SignedInPage | undefined
let page: Page
let admin: Api
const project = 'datamap'
const PER_TOPIC = 30

/**
 * Three topics a bag of words tells apart at a glance. Within a topic, (subject, verb) pairs
 * are all distinct for i < 30, so every text is unique (a point never hides another one).
 */
const TOPICS: Record<string, [string[], string[], string[]]> = {
  sport: [
    ['The striker', 'Our goalkeeper', 'The midfielder', 'The referee', 'The captain', 'The coach'],
    [
      'scored a penalty in',
      'was booked during',
      'celebrated the goal in',
      'missed the free kick in',
      'defended the corner in',
    ],
    ['the league match', 'the cup final', 'extra time', 'the derby', 'the second half'],
  ],
  food: [
    ['The chef', 'My grandmother', 'The baker', 'Our cook', 'The waiter', 'The sous-chef'],
    [
      'simmered the tomato sauce with',
      'baked fresh bread with',
      'seasoned the soup with',
      'chopped onions and garlic for',
      'roasted the vegetables with',
    ],
    ['olive oil', 'butter and flour', 'fresh basil', 'a pinch of salt', 'black pepper'],
  ],
  space: [
    [
      'The telescope',
      'An astronomer',
      'The space probe',
      'Our observatory',
      'The satellite',
      'The rover',
    ],
    [
      'observed a distant galaxy near',
      'photographed the rings of',
      'measured the orbit of',
      'detected faint light from',
      'tracked a comet passing',
    ],
    [
      'Saturn',
      'the Andromeda nebula',
      'a red dwarf star',
      'Jupiter and its moons',
      'the Milky Way',
    ],
  ],
}

function sentence(topic: string, i: number): string {
  const [subjects, verbs, objects] = TOPICS[topic]!
  return `${subjects[i % 6]} ${verbs[Math.floor(i / 6) % 5]} ${objects[(i * 3 + Math.floor(i / 6)) % 5]}.`
}

const ext = (topic: string, i: number) => `${topic}-${String(i).padStart(2, '0')}`
const url = (path: string) => `/api/projects/${project}${path}`

/** Where a point of the map (in data coordinates, the SVG's viewBox) is on the screen. */
async function screenPosition(p: MapPoint): Promise<{ x: number; y: number }> {
  return page.evaluate(
    ({ x, y }) => {
      const svg = document.querySelector<SVGSVGElement>('[data-testid="map-points"]')!
      const at = new DOMPoint(x, y).matrixTransform(svg.getScreenCTM()!)
      return { x: at.x, y: at.y }
    },
    { x: p.x, y: p.y },
  )
}

/** The item ids listed for the selected cluster, once the list shows `cluster`. */
async function listedItems(cluster: number): Promise<string[]> {
  const rows = page.locator(
    `[data-testid="cluster-items"][data-cluster="${cluster}"] [data-testid="cluster-item"]`,
  )
  await rows.first().waitFor({ timeout: 15_000 })
  return rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-item') ?? ''))
}

describe.skipIf(!browserAvailable)('data map in Chromium', () => {
  beforeAll(async () => {
    server = await startServerProcess()
    admin = await Api.login(server.url, 'admin', 'admin-password')
    await admin.createProject({ id: project, name: 'Data map test', labels: Object.keys(TOPICS) })
    const rows = ['id,text']
    for (const topic of Object.keys(TOPICS))
      for (let i = 0; i < PER_TOPIC; i++) rows.push(`${ext(topic, i)},"${sentence(topic, i)}"`)
    await admin.importItemsCsv(project, rows.join('\n') + '\n')
    // Consensus on a third of sport and food, none on space: the space clusters are gaps.
    for (const name of ['map-a', 'map-b']) await admin.createUser(name)
    const labels = ['item,annotator,label']
    for (const topic of ['sport', 'food'])
      for (let i = 0; i < 10; i++)
        for (const who of ['map-a', 'map-b']) labels.push(`${ext(topic, i)},${who},${topic}`)
    // map-a and map-b are not members: the global admin adds them with the import, explicitly.
    await admin.request('POST', url('/labels/import?addMembers=true'), labels.join('\n') + '\n')

    signedIn = await openSignedIn(server.url, 'admin', 'admin-password', {
      width: 1280,
      height: 900,
    })
    page = signedIn.page
  })

  afterAll(async () => {
    await signedIn?.close()
    await server?.stop()
  })

  it('lists the items of a cluster chosen in the list or on the map, and opens them', async () => {
    const total = Object.keys(TOPICS).length * PER_TOPIC
    await page.goto(`${server.url}/p/${project}/map`)
    const title = page.getByRole('heading', { level: 1 })
    await title.waitFor({ timeout: 15_000 })
    expect(await title.textContent(), 'the app routes /p/:id/map to DataMapView').toBe('Data map')
    // The first visit embeds, clusters and projects every item on the server.
    const svg = page.locator('[data-testid="map-points"]')
    await svg.waitFor({ timeout: 25_000 })
    expect(await svg.getAttribute('data-count')).toBe(String(total))

    // The list shows every cluster the API has, with a gap badge exactly where it says gap.
    const { clusters } = await admin.request<{ clusters: Cluster[] }>('GET', url('/clusters'))
    const rows = page.locator('[data-testid="cluster-row"]')
    await expect.poll(() => rows.count()).toBe(clusters.length)
    for (const c of clusters) {
      const row = page.locator(`[data-testid="cluster-row"][data-cluster="${c.cluster}"]`)
      expect(await row.locator('.gap-badge').count(), `gap badge of cluster ${c.cluster}`).toBe(
        c.gap ? 1 : 0,
      )
    }
    expect(clusters.some((c) => c.gap)).toBe(true)

    // Choose the largest cluster in the list: its items are exactly the API's, and the map
    // highlights all of its points.
    const largest = [...clusters].sort((a, b) => b.size - a.size)[0]!
    await page.locator(`[data-testid="cluster-row"][data-cluster="${largest.cluster}"]`).click()
    const api = await admin.request<ClusterItems>(
      'GET',
      url(`/clusters/${largest.cluster}/items?limit=200`),
    )
    expect(api.items.length).toBe(largest.size)
    expect(await listedItems(largest.cluster)).toEqual(api.items.map((i) => i.itemId))
    await expect
      .poll(() => page.locator('[data-testid="map-selected"]').getAttribute('data-count'))
      .toBe(String(largest.size))
    await page.screenshot({ path: artifactPath('data-map.png'), fullPage: true })

    // Hovering a point of another cluster names it; clicking it selects its cluster.
    const { points } = await admin.request<{ points: MapPoint[] }>('GET', url('/map'))
    expect(points.length).toBe(total)
    const other = points.find((p) => p.cluster !== largest.cluster)!
    const at = await screenPosition(other)
    await page.mouse.move(at.x, at.y)
    await expect
      .poll(() => page.locator('[data-testid="map-tooltip"] strong').textContent())
      .toBe(other.externalId)
    await page.mouse.click(at.x, at.y)
    await expect
      .poll(() =>
        page
          .locator(`[data-testid="cluster-row"][data-cluster="${other.cluster}"]`)
          .getAttribute('aria-pressed'),
      )
      .toBe('true')
    const otherApi = await admin.request<ClusterItems>(
      'GET',
      url(`/clusters/${other.cluster}/items?limit=200`),
    )
    expect(await listedItems(other.cluster)).toEqual(otherApi.items.map((i) => i.itemId))
    expect(otherApi.items.map((i) => i.itemId)).toContain(other.itemId)

    // An item of the list opens in the annotate view.
    const first = otherApi.items[0]!
    await page
      .locator(`[data-testid="cluster-item"][data-item="${first.itemId}"] a`)
      .first()
      .click()
    await page.waitForURL(
      (u) =>
        u.pathname === `/p/${project}/annotate` && u.searchParams.get('item') === first.externalId,
    )
    await expect
      .poll(() => page.locator('[data-testid="item-id"]').textContent(), { timeout: 15_000 })
      .toBe(first.externalId)
  })
})
