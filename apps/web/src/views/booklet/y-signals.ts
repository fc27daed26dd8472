import {
  BOOKLET_DATE,
  BOOKLET_LABEL_ID,
  bookletDiscussions,
  bookletExamples,
  bookletLabels,
  bookletMeta,
} from '@concord/core'
import { createMemo, createRenderEffect, createSignal, onCleanup, type Accessor } from 'solid-js'
import * as Y from 'yjs'

/**
 * Solid signals over the booklet document. Lists hold the Y.Map entries themselves (stable
 * identities, so <For> keeps an open editor when someone else renames or reorders a section);
 * each entry's fields are read through `createYMapFields`.
 */

/** A signal that changes whenever `type` changes; with `deep`, only on structural changes
 * (maps and arrays below it), never on a keystroke inside a Y.Text. */
export function createYTick(type: Y.AbstractType<unknown>, opts: { deep?: boolean } = {}) {
  const [tick, setTick] = createSignal(0)
  const bump = (): void => void setTick((n) => n + 1)
  if (opts.deep) {
    const deep = (events: Array<Y.YEvent<Y.AbstractType<unknown>>>): void => {
      if (events.some((e) => !(e.target instanceof Y.Text))) bump()
    }
    type.observeDeep(deep)
    onCleanup(() => type.unobserveDeep(deep))
  } else {
    type.observe(bump)
    onCleanup(() => type.unobserve(bump))
  }
  return tick
}

/** The live string of a Y.Text (or a plain string stored where a Y.Text belongs). */
export function createYTextValue(source: Accessor<unknown>): Accessor<string> {
  const [value, setValue] = createSignal('')
  createRenderEffect(() => {
    const text = source()
    if (text instanceof Y.Text) {
      setValue(text.toString())
      const update = (): void => void setValue(text.toString())
      text.observe(update)
      onCleanup(() => text.unobserve(update))
    } else {
      setValue(typeof text === 'string' ? text : '')
    }
  })
  return value
}

/** Reactive reads of a Y.Map's keys. */
export function createYMapFields(map: Y.Map<unknown>) {
  const tick = createYTick(map as Y.AbstractType<unknown>)
  const get = (key: string): unknown => {
    tick()
    return map.get(key)
  }
  return {
    get,
    string: (key: string): string => {
      const v = get(key)
      return typeof v === 'string' ? v.replace(/\s*[\r\n]+\s*/g, ' ').trim() : ''
    },
    /** The Y.Text under `key`, if that is what it holds. */
    text: (key: string): Y.Text | undefined => {
      const v = get(key)
      return v instanceof Y.Text ? v : undefined
    },
    number: (key: string, fallback: number): number => {
      const v = get(key)
      return typeof v === 'number' && Number.isFinite(v) ? v : fallback
    },
  }
}

function str(value: unknown): string {
  return typeof value === 'string' ? value.trim() : ''
}

function order(map: Y.Map<unknown>): number {
  const v = map.get('order')
  return typeof v === 'number' && Number.isFinite(v) ? v : Number.MAX_SAFE_INTEGER
}

export interface LabelEntry {
  readonly id: string
  readonly map: Y.Map<unknown>
}

/** Everything the booklet view lists, live. */
export function createBookletModel(doc: Y.Doc) {
  const meta = bookletMeta(doc)
  const labelsMap = bookletLabels(doc)
  const examplesArray = bookletExamples(doc)
  const discussionsArray = bookletDiscussions(doc)
  const metaTick = createYTick(meta as Y.AbstractType<unknown>)
  const labelsTick = createYTick(labelsMap as Y.AbstractType<unknown>, { deep: true })
  const examplesTick = createYTick(examplesArray as Y.AbstractType<unknown>, { deep: true })
  const discussionsTick = createYTick(discussionsArray as Y.AbstractType<unknown>, { deep: true })

  const title = (): string => {
    metaTick()
    return str(meta.get('title'))
  }
  const intro = (): unknown => {
    metaTick()
    return meta.get('intro')
  }

  // Entries keep their identity across recomputations, so <For> never remounts a section.
  const entries = new Map<Y.Map<unknown>, LabelEntry>()
  const labels = createMemo<LabelEntry[]>(() => {
    labelsTick()
    const list: LabelEntry[] = []
    labelsMap.forEach((value, id) => {
      if (!(value instanceof Y.Map) || !BOOKLET_LABEL_ID.test(id)) return
      const map = value as Y.Map<unknown>
      let entry = entries.get(map)
      if (!entry || entry.id !== id) {
        entry = { id, map }
        entries.set(map, entry)
      }
      list.push(entry)
    })
    list.sort((a, b) => order(a.map) - order(b.map) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    return list
  })

  /** Examples in the order they were added. */
  const examples = createMemo<Y.Map<unknown>[]>(() => {
    examplesTick()
    const list: Y.Map<unknown>[] = []
    for (const value of examplesArray) {
      if (!(value instanceof Y.Map)) continue
      const map = value as Y.Map<unknown>
      if (str(map.get('itemId')) === '' || !BOOKLET_LABEL_ID.test(str(map.get('label')))) continue
      list.push(map)
    }
    return list
  })

  /** Discussions, newest first (by date, then the one added last). */
  const discussions = createMemo<Y.Map<unknown>[]>(() => {
    discussionsTick()
    const list: Array<{ map: Y.Map<unknown>; date: string; index: number }> = []
    discussionsArray.forEach((value, index) => {
      if (!(value instanceof Y.Map)) return
      const map = value as Y.Map<unknown>
      const date = str(map.get('date'))
      if (BOOKLET_DATE.test(date)) list.push({ map, date, index })
    })
    list.sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : b.index - a.index))
    return list.map((d) => d.map)
  })

  const empty = (): boolean =>
    title() === '' &&
    labels().length === 0 &&
    examples().length === 0 &&
    discussions().length === 0 &&
    !(intro() instanceof Y.Text && (intro() as Y.Text).length > 0)

  return {
    doc,
    meta,
    labelsMap,
    examplesArray,
    discussionsArray,
    title,
    intro,
    labels,
    examples,
    discussions,
    empty,
  }
}

export type BookletModel = ReturnType<typeof createBookletModel>

/** The Y.Text under `key`, created (from a plain string, if one is there) when missing. */
export function ensureText(map: Y.Map<unknown>, key: string): Y.Text {
  const value = map.get(key)
  if (value instanceof Y.Text) return value
  const text = new Y.Text(typeof value === 'string' ? value : '')
  map.set(key, text)
  return text
}
