import {
  setReviewAgenda,
  setReviewLeader,
  setReviewSessionInfo,
  startReviewSession,
  type ReviewSession,
} from '@concord/core'
import { createSignal, For, Show } from 'solid-js'
import type * as Y from 'yjs'
import type { ProjectSummary, User } from '../../lib/api'
import { findItemByExternalId, type ItemCache } from './review-data'

/** A session before it starts: title, date and the agenda, which reviewers edit. */
export function SessionDraft(props: {
  session: ReviewSession
  project: ProjectSummary
  reviewer: boolean
  doc: Y.Doc
  items: ItemCache
  me: User
}) {
  const [adding, setAdding] = createSignal('')
  const [error, setError] = createSignal('')
  const agenda = () => props.session.agenda
  const setAgenda = (next: string[]): void => setReviewAgenda(props.doc, props.session.id, next)
  const move = (i: number, by: number): void => {
    const next = [...agenda()]
    const j = i + by
    if (j < 0 || j >= next.length) return
    ;[next[i], next[j]] = [next[j]!, next[i]!]
    setAgenda(next)
  }
  const add = async (): Promise<void> => {
    const ext = adding().trim()
    if (!ext) return
    setError('')
    try {
      const item = await findItemByExternalId(props.project.id, ext)
      if (!item) {
        setError(`No item '${ext}' in this project.`)
        return
      }
      setAgenda([...agenda(), String(item.id)])
      setAdding('')
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
    }
  }

  return (
    <section class="rv-draft" data-testid="review-draft" data-session={props.session.id}>
      <h1>
        <Show when={props.reviewer} fallback={props.session.title}>
          <input
            class="rv-title-input"
            aria-label="Title"
            value={props.session.title}
            onChange={(e) =>
              setReviewSessionInfo(props.doc, props.session.id, { title: e.currentTarget.value })
            }
          />
        </Show>
      </h1>
      <p class="muted">
        Draft for{' '}
        <Show when={props.reviewer} fallback={props.session.date}>
          <input
            type="date"
            aria-label="Date"
            value={props.session.date}
            onChange={(e) =>
              setReviewSessionInfo(props.doc, props.session.id, { date: e.currentTarget.value })
            }
          />
        </Show>
        . The agenda can change until the session starts.
      </p>
      <h2>Agenda ({agenda().length})</h2>
      <Show when={agenda().length > 0} fallback={<p class="muted">The agenda is empty.</p>}>
        <ol class="rv-agenda card" data-testid="review-agenda">
          <For each={agenda()}>
            {(id, i) => (
              <li data-item={id}>
                <span class="rv-ext">{props.items.get(id)?.externalId ?? `#${id}`}</span>
                <span class="muted rv-snippet">
                  {(props.items.get(id)?.text ?? '').slice(0, 100)}
                </span>
                <Show when={props.reviewer}>
                  <span class="rv-agenda-actions">
                    <button
                      type="button"
                      aria-label="Move up"
                      disabled={i() === 0}
                      onClick={() => move(i(), -1)}
                    >
                      ↑
                    </button>
                    <button
                      type="button"
                      aria-label="Move down"
                      disabled={i() === agenda().length - 1}
                      onClick={() => move(i(), 1)}
                    >
                      ↓
                    </button>
                    <button
                      type="button"
                      aria-label="Remove"
                      onClick={() => setAgenda(agenda().filter((x) => x !== id))}
                    >
                      ✕
                    </button>
                  </span>
                </Show>
              </li>
            )}
          </For>
        </ol>
      </Show>
      <Show when={props.reviewer}>
        <form
          class="rv-add"
          onSubmit={(e) => {
            e.preventDefault()
            void add()
          }}
        >
          <input
            aria-label="Item id to add"
            placeholder="Add an item by its id"
            value={adding()}
            onInput={(e) => setAdding(e.currentTarget.value)}
          />
          <button type="submit">Add</button>
        </form>
        <Show when={error()}>
          <p class="error">{error()}</p>
        </Show>
        <p>
          <button
            type="button"
            class="primary"
            data-testid="review-start"
            disabled={agenda().length === 0}
            onClick={() =>
              props.doc.transact(() => {
                startReviewSession(props.doc, props.session.id, Date.now())
                setReviewLeader(props.doc, props.session.id, props.me.id)
              })
            }
          >
            Start the session
          </button>{' '}
          <span class="muted">You lead it: everyone follows the item you are on.</span>
        </p>
      </Show>
    </section>
  )
}
