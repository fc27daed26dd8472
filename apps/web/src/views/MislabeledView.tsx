import { createEffect, createMemo, createSignal, For, Show } from 'solid-js'
import type { ProjectViewProps } from '../App'
import { Header } from '../components/Header'
import { ReviewersOnly } from '../components/ReviewersOnly'
import { api } from '../lib/api'
import { createRoom } from '../lib/room'
import { Link } from '../lib/router'
import { user } from '../lib/session'
import {
  annotateHref,
  percent,
  projectBase,
  type MislabeledItem,
  type MislabeledResponse,
} from './models/model-api'
import { createLoad } from './models/load'
import { addToNextDraft } from './models/review-agenda'
import './models.css'

type Scope = 'consensus' | 'annotator'

/**
 * /p/:id/mislabeled: items whose given label the model (out of fold, by confident learning)
 * believes is wrong, least self-confident first, for the consensus labels or per annotator.
 * Reviewers open them to check, or put them on the next review session's agenda.
 */
export default function MislabeledView(props: ProjectViewProps) {
  return (
    <ReviewersOnly
      project={props.project}
      title="Likely mislabeled"
      what="the likely mislabeled items"
    >
      <Mislabeled {...props} />
    </ReviewersOnly>
  )
}

function Mislabeled(props: ProjectViewProps) {
  const me = user()!
  const project = () => props.project
  const base = () => projectBase(project().id)
  const params = new URLSearchParams(window.location.search)
  const [scope, setScope] = createSignal<Scope>(
    params.get('scope') === 'annotator' ? 'annotator' : 'consensus',
  )
  const [annotator, setAnnotator] = createSignal(params.get('annotator') ?? '')
  const [limit, setLimit] = createSignal(100)
  // The review document, opened now so that it is synced by the time someone adds to it.
  const reviewRoom = createRoom(`review/${project().id}`, { userId: me.id })

  const query = () => {
    const q = new URLSearchParams({ scope: scope(), limit: String(limit()) })
    if (scope() === 'annotator' && annotator()) q.set('annotator', annotator())
    return q.toString()
  }
  // Scope and annotator live in the address, so a list can be shared.
  createEffect(() => {
    const shown = new URLSearchParams(query())
    shown.delete('limit')
    window.history.replaceState(null, '', `${window.location.pathname}?${shown.toString()}`)
  })
  const result = createLoad(query, (q) =>
    api<MislabeledResponse>('GET', `${base()}/mislabeled?${q}`),
  )

  // Annotator names: the agreement report lists everyone who labelled (ids alone mean little).
  const names = createLoad(
    () => (scope() === 'annotator' ? project().id : undefined),
    async () => {
      try {
        const r = await api<{ perAnnotator?: Array<{ id: string; name: string }> }>(
          'GET',
          `${base()}/agreement`,
        )
        return new Map((r.perAnnotator ?? []).map((a) => [a.id, a.name]))
      } catch {
        return new Map<string, string>()
      }
    },
  )
  const nameOf = (id: string | undefined) => (id ? (names.value()?.get(id) ?? id) : '')
  const annotatorOptions = createMemo(() => {
    const ids = new Set<string>(names.value()?.keys() ?? [])
    for (const i of result.value()?.items ?? []) if (i.annotator) ids.add(i.annotator)
    if (annotator()) ids.add(annotator())
    return [...ids].sort((a, b) => nameOf(a).localeCompare(nameOf(b)))
  })

  const labelNames = createMemo(
    () => new Map(project().labelSchema.labels.map((l) => [l.id, l.name])),
  )
  const labelName = (id: string) => labelNames().get(id) ?? id

  const [selected, setSelected] = createSignal(new Set<string>())
  const items = () => result.value()?.items ?? []
  const toggle = (id: string, on: boolean) =>
    setSelected((s) => {
      const next = new Set(s)
      if (on) next.add(id)
      else next.delete(id)
      return next
    })
  const allSelected = () => items().length > 0 && items().every((i) => selected().has(i.itemId))

  const [agendaMessage, setAgendaMessage] = createSignal<{ text: string; session?: string }>()
  const addToAgenda = (): void => {
    // In list order (most likely mislabeled first), once each.
    const ids = [...new Set(items().map((i) => i.itemId))].filter((id) => selected().has(id))
    if (ids.length === 0) return
    try {
      const r = addToNextDraft(reviewRoom.doc, ids, me.id)
      setAgendaMessage({
        text: r.created
          ? `Created the draft session “${r.title}” with ${r.added} items.`
          : r.added === 0
            ? `Already on the agenda of “${r.title}”.`
            : `Added ${r.added} new ${r.added === 1 ? 'item' : 'items'} to “${r.title}”.`,
        session: r.session,
      })
      setSelected(new Set<string>())
    } catch (err) {
      setAgendaMessage({ text: err instanceof Error ? err.message : String(err) })
    }
  }

  return (
    <>
      <Header project={project()} status={reviewRoom.status()} waiting={reviewRoom.waiting()} />
      <main class="page models-page" data-testid="mislabeled">
        <div class="models-title">
          <h1>Likely mislabeled</h1>
          <Show when={result.value()?.model}>
            {(m) => <span class="muted">model v{m().version}</span>}
          </Show>
          <span class="spacer" />
          <button type="button" onClick={() => result.refetch()}>
            Refresh
          </button>
        </div>
        <p class="muted">
          Items whose label the model, trained without them, confidently puts in another class
          (confident learning). Least confident in the given label first. A model can be wrong too:
          open each one before changing anything.
        </p>

        <div class="models-toolbar">
          <div class="segmented" role="radiogroup" aria-label="Whose labels">
            <For
              each={
                [
                  ['consensus', 'Consensus labels'],
                  ['annotator', 'Per annotator'],
                ] as const
              }
            >
              {([id, name]) => (
                <label class="segment" classList={{ on: scope() === id }}>
                  <input
                    type="radio"
                    name="scope"
                    value={id}
                    checked={scope() === id}
                    onChange={() => {
                      setSelected(new Set<string>())
                      setScope(id)
                    }}
                  />
                  {name}
                </label>
              )}
            </For>
          </div>
          <Show when={scope() === 'annotator'}>
            <label class="inline-field">
              Annotator{' '}
              <select
                value={annotator()}
                onChange={(e) => {
                  setSelected(new Set<string>())
                  setAnnotator(e.currentTarget.value)
                }}
              >
                <option value="">Everyone</option>
                <For each={annotatorOptions()}>
                  {(id) => <option value={id}>{nameOf(id)}</option>}
                </For>
              </select>
            </label>
          </Show>
          <label class="inline-field">
            Show{' '}
            <select value={limit()} onChange={(e) => setLimit(Number(e.currentTarget.value))}>
              <For each={[50, 100, 500, 2000]}>{(n) => <option value={n}>{n}</option>}</For>
            </select>
          </label>
          <span class="spacer" />
          <button
            type="button"
            class="primary"
            data-testid="add-to-agenda"
            disabled={selected().size === 0 || !reviewRoom.synced()}
            title={reviewRoom.synced() ? '' : 'Connecting to the review room…'}
            onClick={addToAgenda}
          >
            {selected().size > 0
              ? `Add ${selected().size} to the review agenda`
              : 'Add to the review agenda'}
          </button>
        </div>
        <Show when={agendaMessage()}>
          {(m) => (
            <p class="notice-line" role="status" data-testid="agenda-message">
              {m().text}{' '}
              <Show when={m().session}>
                {(s) => (
                  <Link href={`/p/${project().id}/review?session=${encodeURIComponent(s())}`}>
                    Open the session
                  </Link>
                )}
              </Show>
            </p>
          )}
        </Show>

        <Show when={result.error()}>
          {(e) => (
            <p class="error" role="alert">
              {e().message}
            </p>
          )}
        </Show>
        <Show when={!result.error()}>
          <Show when={result.value()} fallback={<p class="muted">Loading…</p>}>
            <Show
              when={result.value()?.model}
              fallback={
                <p class="muted" data-testid="mislabeled-no-model">
                  No model yet: one is trained from the consensus labels
                  {project().role === 'admin' ? (
                    <>
                      {' '}
                      (or <Link href={`/p/${project().id}/settings#model`}>train one now</Link>)
                    </>
                  ) : (
                    ''
                  )}
                  .
                </p>
              }
            >
              <Show
                when={items().length > 0}
                fallback={
                  <p class="muted">
                    Nothing looks mislabeled: the model agrees with every given label it is
                    confident about.
                  </p>
                }
              >
                <table class="card models-table" aria-label="Likely mislabeled items">
                  <thead>
                    <tr>
                      <th>
                        <input
                          type="checkbox"
                          aria-label="Select all"
                          checked={allSelected()}
                          onChange={(e) =>
                            setSelected(
                              e.currentTarget.checked
                                ? new Set(items().map((i) => i.itemId))
                                : new Set<string>(),
                            )
                          }
                        />
                      </th>
                      <th>Item</th>
                      <th>Text</th>
                      <Show when={scope() === 'annotator'}>
                        <th>Annotator</th>
                      </Show>
                      <th>Given → suggested</th>
                      <th title="The model's probability for the given label">Self-confidence</th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={items()}>
                      {(i: MislabeledItem) => (
                        <tr data-item={i.itemId}>
                          <td>
                            <input
                              type="checkbox"
                              aria-label={`Select ${i.externalId}`}
                              checked={selected().has(i.itemId)}
                              onChange={(e) => toggle(i.itemId, e.currentTarget.checked)}
                            />
                          </td>
                          <td>
                            <Link href={annotateHref(project().id, i.externalId)}>
                              {i.externalId}
                            </Link>
                          </td>
                          <td class="muted models-excerpt">{(i.text ?? '').slice(0, 160)}</td>
                          <Show when={scope() === 'annotator'}>
                            <td>{nameOf(i.annotator)}</td>
                          </Show>
                          <td class="models-change">
                            <span class="label-chip">{labelName(i.given)}</span> →{' '}
                            <span class="label-chip suggested">{labelName(i.suggested)}</span>
                          </td>
                          <td class="num">{percent(i.selfConfidence, 1)}</td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </Show>
            </Show>
          </Show>
        </Show>
      </main>
    </>
  )
}
