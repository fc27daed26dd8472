import { readBookletFromDoc, type BookletLabel } from '@concord/core'
import {
  batch,
  createEffect,
  createMemo,
  createSignal,
  For,
  on,
  onCleanup,
  onMount,
  Show,
} from 'solid-js'
import type { ProjectViewProps } from '../App'
import { Header } from '../components/Header'
import { Avatars, colorFor, createPresence } from '../components/Presence'
import { api, ApiError, type Item } from '../lib/api'
import { assignLabelKeys, keyForLabel } from '../lib/label-keys'
import { bookletVersionFor } from '../lib/definition-version'
import { mediaSrc } from '../lib/media-src'
import { createRoom } from '../lib/room'
import { Link } from '../lib/router'
import { user } from '../lib/session'
import { SuggestionsPanel } from './models/SuggestionsPanel'
import './annotate.css'

type Value = string | string[]

interface Entry {
  value: Value
  unsure?: boolean
  note?: string
  at: number
  bookletVersion?: number
}

const PREFETCH = 20
const REFILL_BELOW = 6

/** Key press to painted next item, for the latency benchmark (performance marks in Chromium). */
declare global {
  interface Window {
    __concordLabelTimings?: number[]
  }
}

export default function AnnotateView(props: ProjectViewProps) {
  const me = user()!
  const project = () => props.project
  const schema = () => project().labelSchema
  const labelsRoom = createRoom(`labels/${project().id}/${me.id}`, { userId: me.id })
  const bookletRoom = createRoom(`booklet/${project().id}`, { userId: me.id })
  const presence = createPresence(bookletRoom, {
    id: me.id,
    name: me.displayName,
    color: colorFor(me.id),
  })

  // My labels, live from my labels document.
  const labelsMap = labelsRoom.doc.getMap<Entry>('labels')
  const [labels, setLabels] = createSignal(new Map<string, Entry>())
  const readLabels = () => setLabels(new Map(labelsMap.entries()))
  labelsMap.observe(readLabels)
  onCleanup(() => labelsMap.unobserve(readLabels))
  readLabels()

  // Label definitions from the booklet, one hover or one key away.
  const [definitions, setDefinitions] = createSignal(new Map<string, BookletLabel>())
  const readDefinitions = () => {
    const content = readBookletFromDoc(bookletRoom.doc)
    setDefinitions(new Map(content.labels.map((l) => [l.id, l])))
  }
  bookletRoom.doc.on('update', readDefinitions)
  onCleanup(() => bookletRoom.doc.off('update', readDefinitions))

  // The queue: items still to label (prefetched so that work goes on offline), and the ones
  // labelled in this session, for "previous".
  const [queue, setQueue] = createSignal<Item[]>([])
  const [history, setHistory] = createSignal<Item[]>([])
  const [back, setBack] = createSignal<number | null>(null) // index into history, or null = queue head
  const [loading, setLoading] = createSignal(true)
  const [queueError, setQueueError] = createSignal('')
  const current = createMemo(() => {
    const b = back()
    return b === null ? queue()[0] : history()[b]
  })

  let refilling = false
  const refill = async (): Promise<void> => {
    if (refilling) return
    refilling = true
    try {
      const res = await api<{ items: Item[] }>(
        'GET',
        `/api/projects/${encodeURIComponent(project().id)}/queue?limit=${PREFETCH}`,
      )
      const known = new Set([...queue(), ...history()].map((i) => String(i.id)))
      const mine = labels()
      const fresh = res.items.filter((i) => !known.has(String(i.id)) && !mine.has(String(i.id)))
      if (fresh.length > 0) setQueue((q) => [...q, ...fresh])
      setQueueError('')
    } catch (err) {
      setQueueError(
        err instanceof ApiError && err.status > 0
          ? err.message
          : 'Offline: labelling continues with the items already loaded.',
      )
    } finally {
      refilling = false
      setLoading(false)
    }
  }
  // A link from the booklet (?item=<external id>) opens that item first, as a previous item.
  const openLinkedItem = async (): Promise<void> => {
    const wanted = new URLSearchParams(window.location.search).get('item')
    if (!wanted) return
    try {
      const res = await api<{ items: Item[] }>(
        'GET',
        `/api/projects/${encodeURIComponent(project().id)}/items?q=${encodeURIComponent(wanted)}&limit=20`,
      )
      const item = res.items.find((i) => i.externalId === wanted)
      if (!item) {
        setMessage(`No item '${wanted}' in this project.`)
        return
      }
      batch(() => {
        setHistory((h) => [...h.filter((i) => i.id !== item.id), item])
        setBack(history().length - 1)
      })
    } catch (err) {
      setMessage(err instanceof Error ? `Could not open item '${wanted}': ${err.message}` : '')
    }
  }
  onMount(() => {
    void openLinkedItem()
    void refill()
  })
  createEffect(
    on(
      () => queue().length,
      (n) => {
        if (!loading() && n < REFILL_BELOW) void refill()
      },
    ),
  )
  // Back online: top up what was used while offline.
  createEffect(
    on(labelsRoom.status, (s) => {
      if (s === 'connected' && queue().length < REFILL_BELOW) void refill()
    }),
  )

  // Presence: which item I am on.
  createEffect(() => presence.set(current() ? String(current()!.id) : null, 'annotate'))

  // The draft for the current item: multi-label selection, unsure, note.
  const [selected, setSelected] = createSignal<string[]>([])
  const [unsure, setUnsure] = createSignal(false)
  const [note, setNote] = createSignal('')
  const [showDefinitions, setShowDefinitions] = createSignal(false)
  const [flagged, setFlagged] = createSignal(new Set<string>())
  const [message, setMessage] = createSignal('')
  createEffect(
    on(current, (item) => {
      const entry = item ? labels().get(String(item.id)) : undefined
      batch(() => {
        setSelected(entry ? (Array.isArray(entry.value) ? [...entry.value] : [entry.value]) : [])
        setUnsure(entry?.unsure ?? false)
        setNote(entry?.note ?? '')
      })
    }),
  )

  const keys = createMemo(() => assignLabelKeys(schema().labels.map((l) => l.id)))
  const keyOf = createMemo(() => keyForLabel(keys()))
  const multi = () => schema().kind === 'multi'

  const advance = (): void => {
    const b = back()
    const item = current()
    if (!item) return
    if (b === null) {
      batch(() => {
        setHistory((h) => [...h.filter((i) => i.id !== item.id), item])
        setQueue((q) => q.slice(1))
      })
    } else {
      setBack(b + 1 < history().length ? b + 1 : null)
    }
  }

  const markPaint = (): void => {
    // The key press's mark, taken now: a quick next press must not be measured against this one.
    const start = performance.getEntriesByName('label-key', 'mark').at(-1)?.startTime
    performance.clearMarks('label-key')
    if (start === undefined) return
    requestAnimationFrame(() =>
      setTimeout(() => (window.__concordLabelTimings ??= []).push(performance.now() - start), 0),
    )
  }

  const commit = (value: Value): void => {
    const item = current()
    if (!item) return
    const entry: Entry = { value, at: Date.now() }
    const version = bookletVersionFor(bookletRoom.doc, value)
    if (version !== undefined) entry.bookletVersion = version
    if (unsure()) entry.unsure = true
    if (note().trim()) entry.note = note().trim().slice(0, 2000)
    labelsMap.set(String(item.id), entry)
    advance()
    markPaint()
  }

  const choose = (labelId: string): void => {
    if (!multi()) {
      commit(labelId)
      return
    }
    setSelected((s) => (s.includes(labelId) ? s.filter((x) => x !== labelId) : [...s, labelId]))
  }

  const previous = (): void => {
    const b = back()
    const h = history()
    if (h.length === 0) return
    setBack(b === null ? h.length - 1 : Math.max(0, b - 1))
  }
  const next = (): void => {
    const b = back()
    if (b !== null) setBack(b + 1 < history().length ? b + 1 : null)
  }

  const flag = async (): Promise<void> => {
    const item = current()
    if (!item) return
    const id = String(item.id)
    try {
      await api('POST', `/api/projects/${encodeURIComponent(project().id)}/items/${id}/flag`, {
        note: note().trim().slice(0, 1000),
      })
      setFlagged((f) => new Set([...f, id]))
      setMessage('Flagged as ambiguous: reviewers will see it.')
    } catch (err) {
      setMessage(err instanceof Error ? `Could not flag: ${err.message}` : 'Could not flag')
    }
  }

  let noteInput: HTMLInputElement | undefined
  const onKey = (e: KeyboardEvent): void => {
    const target = e.target as HTMLElement | null
    if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA')) {
      if (e.key === 'Escape' || e.key === 'Enter') target.blur()
      return
    }
    if (e.ctrlKey || e.metaKey || e.altKey) return
    const labelId = keys().get(e.key.toLowerCase())
    if (labelId !== undefined) {
      e.preventDefault()
      if (!multi()) performance.mark('label-key')
      choose(labelId)
      return
    }
    switch (e.key) {
      case 'Enter':
        if (multi() && selected().length > 0) {
          e.preventDefault()
          performance.mark('label-key')
          commit([...selected()].sort())
        }
        return
      case 'u':
        setUnsure((u) => !u)
        return
      case 'n':
        e.preventDefault()
        noteInput?.focus()
        return
      case 'f':
        void flag()
        return
      case '?':
        setShowDefinitions((s) => !s)
        return
      case 'ArrowLeft':
        previous()
        return
      case 'ArrowRight':
        next()
        return
    }
  }
  window.addEventListener('keydown', onKey)
  onCleanup(() => window.removeEventListener('keydown', onKey))

  const done = () => labels().size
  const total = () => Number(project().itemCount ?? 0)

  return (
    <>
      <Header project={project()} status={labelsRoom.status()} waiting={labelsRoom.waiting()}>
        <Avatars people={presence.others()} />
      </Header>
      <main class="annotate">
        <section class="annotate-item card" aria-label="Item">
          <Show
            when={current()}
            fallback={
              <div class="annotate-empty">
                <Show when={!loading()} fallback={<p class="muted">Loading your queue…</p>}>
                  <h2>Nothing left in your queue</h2>
                  <p class="muted">
                    Every item has its {project().overlap} labels or is reserved by someone else.
                  </p>
                  <button type="button" onClick={() => void refill()}>
                    Check again
                  </button>
                </Show>
              </div>
            }
          >
            {(item) => (
              <>
                <div class="annotate-item-head muted">
                  <span data-testid="item-id" data-item={String(item().id)}>
                    {item().externalId}
                  </span>
                  <Show when={back() !== null}>
                    <span class="tag">reviewing a previous item</span>
                  </Show>
                  <Show when={flagged().has(String(item().id))}>
                    <span class="tag">flagged</span>
                  </Show>
                </div>
                <Show when={mediaSrc(project(), item())}>
                  {(src) => (
                    <img
                      class="annotate-media"
                      data-testid="item-media"
                      src={src()}
                      alt={`Item ${item().externalId}`}
                    />
                  )}
                </Show>
                <Show when={item().text}>
                  {(text) => (
                    <div class="annotate-text" data-testid="item-text">
                      {text()}
                    </div>
                  )}
                </Show>
              </>
            )}
          </Show>
        </section>

        <aside class="annotate-panel" aria-label="Labels">
          <div class="annotate-progress">
            <div class="progress" aria-hidden="true">
              <div
                style={{ width: `${total() > 0 ? Math.min(100, (100 * done()) / total()) : 0}%` }}
              />
            </div>
            <span class="muted" data-testid="my-progress">
              {done()} labelled · {queue().length} in queue
            </span>
          </div>
          <div class="label-buttons" role="group" aria-label="Choose a label">
            <For each={schema().labels}>
              {(label) => {
                const definition = () => definitions().get(label.id)
                const pressed = () => selected().includes(label.id)
                return (
                  <button
                    type="button"
                    class="label-button"
                    classList={{ pressed: pressed() }}
                    aria-pressed={pressed()}
                    data-label={label.id}
                    disabled={!current()}
                    title={definition()?.definition || label.description || label.name}
                    onClick={() => choose(label.id)}
                  >
                    <Show when={keyOf().get(label.id)}>{(k) => <kbd>{k()}</kbd>}</Show>
                    <span>{label.name}</span>
                  </button>
                )
              }}
            </For>
          </div>
          <Show when={multi()}>
            <button
              type="button"
              class="primary"
              disabled={!current() || selected().length === 0}
              onClick={() => commit([...selected()].sort())}
            >
              Save <kbd>Enter</kbd>
            </button>
          </Show>
          <label class="inline">
            <input
              type="checkbox"
              checked={unsure()}
              onChange={(e) => setUnsure(e.currentTarget.checked)}
            />
            Unsure <kbd>u</kbd>
          </label>
          <label for="note">
            Note <kbd>n</kbd>
          </label>
          <input
            id="note"
            ref={noteInput}
            maxLength={2000}
            placeholder="Optional, for reviewers"
            value={note()}
            onInput={(e) => setNote(e.currentTarget.value)}
          />
          <div class="annotate-nav">
            <button type="button" onClick={previous} disabled={history().length === 0}>
              <kbd>←</kbd> Previous
            </button>
            <button type="button" onClick={next} disabled={back() === null}>
              Next <kbd>→</kbd>
            </button>
            <button type="button" onClick={() => void flag()} disabled={!current()}>
              Flag as ambiguous <kbd>f</kbd>
            </button>
          </div>
          <SuggestionsPanel
            projectId={project().id}
            itemId={current() ? String(current()!.id) : undefined}
            labelName={(id) => schema().labels.find((l) => l.id === id)?.name ?? id}
          />
          <button type="button" class="link" onClick={() => setShowDefinitions((s) => !s)}>
            {showDefinitions() ? 'Hide' : 'Show'} label definitions <kbd>?</kbd>
          </button>
          <Show when={showDefinitions()}>
            <dl class="definitions" data-testid="definitions">
              <For each={schema().labels}>
                {(label) => (
                  <>
                    <dt>{label.name}</dt>
                    <dd>{definitions().get(label.id)?.definition || label.description || '—'}</dd>
                  </>
                )}
              </For>
              <Link href={`/p/${project().id}/booklet`}>Open the booklet</Link>
            </dl>
          </Show>
          <p class="muted annotate-message" role="status">
            {message() || queueError()}
            <For each={labelsRoom.notices().slice(-1)}>
              {(n) => <span class="error">{n.message}</span>}
            </For>
          </p>
        </aside>
      </main>
    </>
  )
}
