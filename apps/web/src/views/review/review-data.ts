import { createSignal, onCleanup, type Accessor } from 'solid-js'
import type * as Y from 'yjs'
import { api, ApiError, type Item } from '../../lib/api'

/** A signal that ticks on every change of a Yjs document. */
export function createDocTick(doc: Y.Doc): Accessor<number> {
  const [tick, setTick] = createSignal(0)
  const bump = (): void => void setTick((n) => n + 1)
  doc.on('update', bump)
  onCleanup(() => doc.off('update', bump))
  return tick
}

export interface ItemAnnotation {
  annotatorId: string
  annotatorName: string
  value: string | string[]
  unsure: boolean
  note: string
  updatedAt: number
  bookletVersion: number | null
}

export interface ItemAdjudication {
  label: string | string[]
  rationale: string
  decidedBy: string
  decidedAt: number
  sessionId: string | null
}

const base = (projectId: string): string => `/api/projects/${encodeURIComponent(projectId)}`

export function fetchItem(projectId: string, itemId: string): Promise<Item> {
  return api<{ item: Item }>('GET', `${base(projectId)}/items/${encodeURIComponent(itemId)}`).then(
    (r) => r.item,
  )
}

export function fetchAnnotations(
  projectId: string,
  itemId: string,
): Promise<{ annotations: ItemAnnotation[]; adjudication: ItemAdjudication | null }> {
  return api('GET', `${base(projectId)}/items/${encodeURIComponent(itemId)}/annotations`)
}

export function postComment(projectId: string, itemId: string, text: string): Promise<unknown> {
  return api('POST', `${base(projectId)}/items/${encodeURIComponent(itemId)}/comments`, { text })
}

/** An item id from whatever shape a hotspot entry has ({ itemId }, { item: { id } }, { id }). */
function hotspotItemId(entry: unknown): string | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined
  const e = entry as Record<string, unknown>
  const item = e.item as Record<string, unknown> | undefined
  const raw = e.itemId ?? (typeof item === 'object' && item !== null ? item.id : undefined) ?? e.id
  const id = typeof raw === 'number' || typeof raw === 'string' ? String(raw) : undefined
  return id !== undefined && /^[1-9][0-9]*$/.test(id) ? id : undefined
}

function hotspotList(res: unknown): unknown[] {
  if (Array.isArray(res)) return res
  if (typeof res !== 'object' || res === null) return []
  const r = res as Record<string, unknown>
  for (const key of ['hotspots', 'items']) {
    const v = r[key]
    if (Array.isArray(v)) return v
    if (typeof v === 'object' && v !== null && Array.isArray((v as { items?: unknown }).items)) {
      return (v as { items: unknown[] }).items
    }
  }
  return []
}

/**
 * A proposed agenda: the top `n` disagreement hotspots plus every flagged item. While the
 * hotspot ranking is not served (404), the server's own candidates stand in: the items with the
 * most distinct labels, then the flagged ones.
 */
export async function proposeAgenda(projectId: string, n: number): Promise<string[]> {
  try {
    const hot = await api<unknown>('GET', `${base(projectId)}/hotspots?limit=${n}`)
    const flags = await api<{ flags: Array<{ itemId: string }> }>('GET', `${base(projectId)}/flags`)
    const ids = hotspotList(hot)
      .map(hotspotItemId)
      .filter((id): id is string => id !== undefined)
      .slice(0, n)
    return [...new Set([...ids, ...flags.flags.map((f) => f.itemId)])]
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 404) throw err
  }
  const res = await api<{ candidates: Array<{ itemId: string; distinctLabels: number }> }>(
    'GET',
    `${base(projectId)}/review/candidates?limit=${n}`,
  )
  return res.candidates.map((c) => c.itemId)
}

/** Finds an item by its external id (for adding to an agenda by hand). */
export async function findItemByExternalId(
  projectId: string,
  externalId: string,
): Promise<Item | undefined> {
  const res = await api<{ items: Item[] }>(
    'GET',
    `${base(projectId)}/items?q=${encodeURIComponent(externalId)}&limit=50`,
  )
  return res.items.find((i) => i.externalId === externalId)
}

/** Items by id, fetched once and kept for the page. */
export function createItemCache(projectId: string) {
  const [items, setItems] = createSignal(new Map<string, Item>())
  const pending = new Set<string>()
  const want = (id: string): Item | undefined => {
    const have = items().get(id)
    if (have || pending.has(id)) return have
    pending.add(id)
    void fetchItem(projectId, id)
      .then((item) => setItems((m) => new Map(m).set(id, item)))
      .catch(() => undefined)
      .finally(() => pending.delete(id))
    return undefined
  }
  const load = async (ids: readonly string[]): Promise<Map<string, Item>> => {
    const missing = ids.filter((id) => !items().has(id))
    const got = await Promise.all(missing.map((id) => fetchItem(projectId, id).catch(() => null)))
    setItems((m) => {
      const next = new Map(m)
      got.forEach((item, i) => item && next.set(missing[i]!, item))
      return next
    })
    return items()
  }
  return { get: want, load }
}
export type ItemCache = ReturnType<typeof createItemCache>
