import {
  addBookletExample,
  addReviewComment,
  bookletDiscussions,
  bookletExamples,
  endReviewSession,
  newBookletDiscussion,
  readBookletFromDoc,
  readReviewComments,
  readReviewSession,
  recordReviewDecision,
  reviewSessionMinutes,
  setReviewCurrent,
  setReviewHideNames,
  setReviewLeader,
  type ReviewSession,
} from '@concord/core'
import { createEffect, createMemo, createResource, createSignal, For, on, Show } from 'solid-js'
import * as Y from 'yjs'
import type { ProjectSummary, User } from '../../lib/api'
import { createLabelDefinitions } from '../../lib/booklet-labels'
import { mediaSrc } from '../../lib/media-src'
import { createDocTick, fetchAnnotations, postComment, type ItemCache } from './review-data'

/**
 * A live session: the current item for everyone (the leader moves it), its labels and notes,
 * the booklet rules for the labels involved, the comment thread and the reviewers' decision.
 */
export function SessionLive(props: {
  session: ReviewSession
  project: ProjectSummary
  reviewer: boolean
  reviewDoc: Y.Doc
  bookletDoc: Y.Doc
  items: ItemCache
  me: User
}) {
  const s = () => props.session
  const leader = () => s().leader === props.me.id
  // A memo: it changes only when the item does, not on every change of the session.
  const itemId = createMemo(() => s().agenda[s().current])
  const item = () => (itemId() ? props.items.get(itemId()!) : undefined)
  const media = () => {
    const current = item()
    return current && mediaSrc(props.project, current)
  }
  const labelName = (id: string): string =>
    props.project.labelSchema.labels.find((l) => l.id === id)?.name ?? id

  const reviewTick = createDocTick(props.reviewDoc)
  const bookletTick = createDocTick(props.bookletDoc)

  const [annotations, { refetch }] = createResource(itemId, (id) =>
    fetchAnnotations(props.project.id, id),
  )
  // A decision made in the room changes the adjudication the server holds: read it again.
  createEffect(
    on(
      () => (itemId() ? JSON.stringify(s().decisions[itemId()!] ?? null) : ''),
      () => void refetch(),
      { defer: true },
    ),
  )

  const definitions = createLabelDefinitions({ doc: props.bookletDoc })
  const involved = createMemo(() => {
    const ids = new Set<string>()
    for (const a of annotations()?.annotations ?? []) {
      for (const v of Array.isArray(a.value) ? a.value : [a.value]) ids.add(v)
    }
    const decision = itemId() ? s().decisions[itemId()!] : undefined
    if (decision) for (const v of [decision.label].flat()) ids.add(v)
    return [...ids].sort()
  })
  const examples = createMemo(() => {
    bookletTick()
    const ext = item()?.externalId
    if (!ext) return []
    return readBookletFromDoc(props.bookletDoc).examples.filter((e) => e.itemId === ext)
  })
  const comments = createMemo(() => {
    reviewTick()
    return itemId() ? readReviewComments(props.reviewDoc, itemId()!) : []
  })

  const go = (index: number): void => void setReviewCurrent(props.reviewDoc, s().id, index)

  // The decision form, reset when the item changes.
  const multi = () => props.project.labelSchema.kind === 'multi'
  const [chosen, setChosen] = createSignal<string[]>([])
  const [rationale, setRationale] = createSignal('')
  const [toBooklet, setToBooklet] = createSignal(false)
  const [comment, setComment] = createSignal('')
  const [error, setError] = createSignal('')
  createEffect(
    on(itemId, (id) => {
      const d = id ? s().decisions[id] : undefined
      setChosen(d ? [d.label].flat() : [])
      setRationale(d?.rationale ?? '')
      setToBooklet(false)
      setError('')
    }),
  )

  const decide = (): void => {
    const id = itemId()
    const ext = item()?.externalId
    const labels = chosen()
    const why = rationale().trim()
    const addToBooklet = toBooklet()
    if (!id || labels.length === 0) return
    const label = multi() ? [...labels].sort() : labels[0]!
    try {
      recordReviewDecision(props.reviewDoc, s().id, id, {
        label,
        rationale: why,
        addToBooklet,
        by: props.me.id,
        at: Date.now(),
      })
      if (addToBooklet && ext) {
        const exampleLabel = [label].flat()[0]!
        const exists = bookletExamples(props.bookletDoc)
          .toArray()
          .some(
            (e) => e instanceof Y.Map && e.get('itemId') === ext && e.get('label') === exampleLabel,
          )
        if (!exists) {
          addBookletExample(
            props.bookletDoc,
            { itemId: ext, label: exampleLabel, rationale: why },
            Date.now(),
          )
        }
      }
      setError('')
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
    }
  }

  const sendComment = async (): Promise<void> => {
    const id = itemId()
    const text = comment().trim()
    if (!id || !text) return
    try {
      if (props.reviewer) {
        addReviewComment(props.reviewDoc, id, {
          by: props.me.id,
          name: props.me.displayName,
          text,
          at: Date.now(),
        })
      } else {
        await postComment(props.project.id, id, text)
      }
      setComment('')
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
    }
  }

  const [ending, setEnding] = createSignal(false)
  const end = async (): Promise<void> => {
    setEnding(true)
    try {
      const names = await props.items.load(s().agenda)
      endReviewSession(props.reviewDoc, s().id, Date.now())
      const ended = readReviewSession(props.reviewDoc, s().id)!
      const body = reviewSessionMinutes(ended, {
        item: (id) => names.get(id)?.externalId ?? `#${id}`,
        label: labelName,
      })
      bookletDiscussions(props.bookletDoc).push([
        newBookletDiscussion({ date: ended.date, title: `Review session: ${ended.title}`, body }),
      ])
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
    } finally {
      setEnding(false)
    }
  }

  const who = (name: string, i: number): string =>
    s().hideNames ? `Annotator ${String.fromCharCode(65 + (i % 26))}` : name

  return (
    <section
      class="rv-live"
      data-testid="review-live"
      data-session={s().id}
      data-index={s().current}
      data-item={itemId() ?? ''}
    >
      <div class="rv-bar card">
        <h1>{s().title}</h1>
        <span class="muted">{s().date}</span>
        <span class="rv-position" data-testid="review-position">
          Item {s().current + 1} of {s().agenda.length}
        </span>
        <Show when={leader()}>
          <button
            type="button"
            data-testid="review-prev"
            disabled={s().current === 0}
            onClick={() => go(s().current - 1)}
          >
            ← Previous
          </button>
          <button
            type="button"
            data-testid="review-next"
            class="primary"
            disabled={s().current >= s().agenda.length - 1}
            onClick={() => go(s().current + 1)}
          >
            Next →
          </button>
        </Show>
        <Show when={props.reviewer && !leader()}>
          <button
            type="button"
            onClick={() => setReviewLeader(props.reviewDoc, s().id, props.me.id)}
          >
            Take the lead
          </button>
        </Show>
        <Show when={!leader()}>
          <span class="muted" data-testid="review-following">
            Following {s().attendees[s().leader] ?? 'the leader'}
          </span>
        </Show>
        <Show when={props.reviewer}>
          <label class="inline">
            <input
              type="checkbox"
              checked={s().hideNames}
              onChange={(e) => setReviewHideNames(props.reviewDoc, s().id, e.currentTarget.checked)}
            />
            Hide names
          </label>
          <button
            type="button"
            class="rv-end"
            data-testid="review-end"
            disabled={ending()}
            onClick={() => {
              if (window.confirm('End the session and add its minutes to the booklet?')) void end()
            }}
          >
            End session
          </button>
        </Show>
      </div>

      <div class="rv-grid">
        <div class="rv-main">
          <article class="card rv-item" data-testid="review-current" data-item={itemId() ?? ''}>
            <h2 class="rv-item-id" data-testid="review-item-id">
              {item()?.externalId ?? (itemId() ? `#${itemId()}` : '—')}
            </h2>
            <Show when={media()}>
              {(src) => <img class="rv-media" src={src()} alt={`Item ${item()?.externalId}`} />}
            </Show>
            <div class="rv-text">{item()?.text ?? ''}</div>
          </article>

          <section class="card" aria-label="Labels given" data-testid="review-labels">
            <h3>Labels</h3>
            <Show when={annotations.error}>
              <p class="error">{String(annotations.error?.message ?? annotations.error)}</p>
            </Show>
            <Show
              when={(annotations()?.annotations.length ?? 0) > 0}
              fallback={<p class="muted">No labels yet.</p>}
            >
              <table>
                <tbody>
                  <For each={annotations()?.annotations}>
                    {(a, i) => (
                      <tr data-annotator={s().hideNames ? undefined : a.annotatorId}>
                        <td>{who(a.annotatorName, i())}</td>
                        <td>
                          <strong>{[a.value].flat().map(labelName).join(', ')}</strong>
                          <Show when={a.unsure}>
                            {' '}
                            <span class="tag">unsure</span>
                          </Show>
                        </td>
                        <td class="rv-note">{a.note}</td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </Show>
          </section>

          <section class="card" aria-label="Decision" data-testid="review-decision">
            <h3>Decision</h3>
            <Show when={s().decisions[itemId() ?? '']}>
              {(d) => (
                <p data-testid="review-decided" data-label={[d().label].flat().join('|')}>
                  Decided: <strong>{[d().label].flat().map(labelName).join(', ')}</strong>
                  <Show when={d().rationale}> — {d().rationale}</Show>
                  <Show when={d().addToBooklet}>
                    {' '}
                    <span class="tag">in the booklet</span>
                  </Show>
                </p>
              )}
            </Show>
            <Show when={props.reviewer}>
              <form
                class="rv-decide"
                onSubmit={(e) => {
                  e.preventDefault()
                  decide()
                }}
              >
                <div class="rv-choices" role="group" aria-label="Adjudicated label">
                  <For each={props.project.labelSchema.labels}>
                    {(l) => (
                      <label class="inline">
                        <input
                          type={multi() ? 'checkbox' : 'radio'}
                          name="decision-label"
                          value={l.id}
                          checked={chosen().includes(l.id)}
                          onChange={(e) =>
                            setChosen((c) =>
                              multi()
                                ? e.currentTarget.checked
                                  ? [...c, l.id]
                                  : c.filter((x) => x !== l.id)
                                : [l.id],
                            )
                          }
                        />
                        {l.name}
                      </label>
                    )}
                  </For>
                </div>
                <label>
                  Rationale
                  <textarea
                    name="rationale"
                    rows={3}
                    maxLength={10000}
                    value={rationale()}
                    onInput={(e) => setRationale(e.currentTarget.value)}
                  />
                </label>
                <label class="inline">
                  <input
                    type="checkbox"
                    name="add-to-booklet"
                    checked={toBooklet()}
                    onChange={(e) => setToBooklet(e.currentTarget.checked)}
                  />
                  Add to booklet (as an ambiguous example under the decided label)
                </label>
                <button
                  type="submit"
                  class="primary"
                  data-testid="review-record"
                  disabled={chosen().length === 0}
                >
                  Record decision
                </button>
              </form>
            </Show>
            <Show when={error()}>
              <p class="error">{error()}</p>
            </Show>
          </section>
        </div>

        <aside class="rv-side">
          <section class="card" aria-label="Booklet rules" data-testid="review-rules">
            <h3>Booklet rules</h3>
            <Show
              when={involved().length > 0}
              fallback={<p class="muted">No label involved yet.</p>}
            >
              <For each={involved()}>
                {(id) => (
                  <div class="rv-rule">
                    <h4>
                      {definitions().get(id)?.name ?? labelName(id)}{' '}
                      <span class="muted">v{definitions().get(id)?.version ?? 1}</span>
                    </h4>
                    <div innerHTML={definitions().get(id)?.definitionHtml ?? ''} />
                    <Show when={definitions().get(id)?.includesHtml}>
                      {(html) => (
                        <div class="rv-scope">
                          <strong>Includes</strong>
                          <div innerHTML={html()} />
                        </div>
                      )}
                    </Show>
                    <Show when={definitions().get(id)?.excludesHtml}>
                      {(html) => (
                        <div class="rv-scope">
                          <strong>Excludes</strong>
                          <div innerHTML={html()} />
                        </div>
                      )}
                    </Show>
                  </div>
                )}
              </For>
            </Show>
            <Show when={examples().length > 0}>
              <div data-testid="review-booklet-examples">
                <h4>In the booklet</h4>
                <For each={examples()}>
                  {(e) => (
                    <p class="rv-example" data-label={e.label}>
                      {e.itemId} → <strong>{labelName(e.label)}</strong>: {e.rationale}
                    </p>
                  )}
                </For>
              </div>
            </Show>
          </section>

          <section class="card" aria-label="Comments" data-testid="review-comments">
            <h3>Comments</h3>
            <For each={comments()} fallback={<p class="muted">No comment yet.</p>}>
              {(c) => (
                <p class="rv-comment">
                  <strong>{c.name}</strong>{' '}
                  <span class="muted">{new Date(c.at).toLocaleTimeString()}</span>
                  <br />
                  {c.text}
                </p>
              )}
            </For>
            <form
              class="rv-comment-form"
              onSubmit={(e) => {
                e.preventDefault()
                void sendComment()
              }}
            >
              <input
                aria-label="Comment"
                placeholder="Add a comment"
                maxLength={5000}
                value={comment()}
                onInput={(e) => setComment(e.currentTarget.value)}
              />
              <button type="submit">Send</button>
            </form>
          </section>
        </aside>
      </div>
    </section>
  )
}
