import {
  addReviewAttendee,
  createReviewSession,
  listReviewSessions,
  type ReviewSession,
} from '@concord/core'
import {
  createEffect,
  createMemo,
  createSignal,
  For,
  Match,
  onCleanup,
  Show,
  Switch,
} from 'solid-js'
import type { ProjectViewProps } from '../App'
import { Header } from '../components/Header'
import { Avatars, colorFor, createPresence } from '../components/Presence'
import { createRoom } from '../lib/room'
import { navigate, path } from '../lib/router'
import { user } from '../lib/session'
import { createDocTick, createItemCache, proposeAgenda } from './review/review-data'
import { SessionDraft } from './review/SessionDraft'
import { SessionEnded } from './review/SessionEnded'
import { SessionLive } from './review/SessionLive'
import './review.css'

/**
 * Review sessions (/p/:id/review). Session state lives in the `review/<project>` document, so
 * everyone in the room sees the same current item as the leader moves it. Reviewers write the
 * review document and the booklet; annotators follow, read-only, once blind mode is off.
 */
export default function ReviewView(props: ProjectViewProps) {
  const reviewer = () => props.project.role !== 'annotator'
  return (
    <Show
      when={reviewer() || !props.project.blind}
      fallback={
        <>
          <Header project={props.project} />
          <main class="page">
            <h1>Review sessions</h1>
            <p class="rv-blind card" data-testid="review-blind" role="alert">
              This project is in blind mode: annotators do not see each other's labels, so you
              cannot join its review sessions yet. A review meeting ends the blind phase — ask an
              administrator to turn blind mode off in the project settings, then reload.
            </p>
          </main>
        </>
      }
    >
      <ReviewRoom {...props} />
    </Show>
  )
}

function ReviewRoom(props: ProjectViewProps) {
  const me = user()!
  const project = () => props.project
  const reviewer = () => project().role !== 'annotator'
  const reviewRoom = createRoom(`review/${project().id}`, { userId: me.id })
  const bookletRoom = createRoom(`booklet/${project().id}`, { userId: me.id })
  const presence = createPresence(reviewRoom, {
    id: me.id,
    name: me.displayName,
    color: colorFor(me.id),
  })
  presence.set(null, 'review')
  const reviewTick = createDocTick(reviewRoom.doc)
  const items = createItemCache(project().id)

  const sessions = createMemo(() => {
    reviewTick()
    return listReviewSessions(reviewRoom.doc)
  })
  const wanted = () => new URLSearchParams(path().split('?')[1] ?? '').get('session')
  // The session on screen: the one asked for, else the live one everybody is in.
  const session = createMemo<ReviewSession | undefined>(() => {
    const list = sessions()
    const id = wanted()
    if (id) return list.find((s) => s.id === id)
    return list.find((s) => s.status === 'live')
  })
  const open = (id: string | null): void =>
    navigate(`/p/${project().id}/review${id ? `?session=${encodeURIComponent(id)}` : ''}`)

  // Attendance: reviewers note everyone present in the room while a session is live
  // (annotators cannot write the review document themselves).
  const noteAttendees = (): void => {
    const s = session()
    if (!reviewer() || !s || s.status !== 'live') return
    reviewRoom.doc.transact(() => {
      addReviewAttendee(reviewRoom.doc, s.id, me.id, me.displayName)
      for (const p of presence.others())
        addReviewAttendee(reviewRoom.doc, s.id, p.user.id, p.user.name)
    })
  }
  createEffect(() => {
    presence.others()
    if (session()?.status === 'live' && reviewRoom.synced()) noteAttendees()
  })

  return (
    <>
      <Header project={project()} status={reviewRoom.status()} waiting={reviewRoom.waiting()}>
        <Avatars people={presence.others()} />
      </Header>
      <main class="page rv" data-testid="review" aria-busy={!reviewRoom.synced()}>
        <Show
          when={reviewRoom.synced()}
          fallback={<p class="muted">Connecting to the review room…</p>}
        >
          <Show
            when={session()}
            fallback={
              <SessionList
                sessions={sessions()}
                reviewer={reviewer()}
                projectId={project().id}
                onOpen={open}
                onCreate={async (title, date, n) => {
                  const agenda = await proposeAgenda(project().id, n)
                  const id = `s${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`
                  createReviewSession(
                    reviewRoom.doc,
                    id,
                    { title, date, leader: me.id, agenda },
                    Date.now(),
                  )
                  open(id)
                }}
              />
            }
          >
            {(s) => (
              <>
                <p class="rv-back">
                  <button type="button" class="link" onClick={() => open(null)}>
                    ← All sessions
                  </button>
                </p>
                <Switch>
                  <Match when={s().status === 'draft'}>
                    <SessionDraft
                      session={s()}
                      project={project()}
                      reviewer={reviewer()}
                      doc={reviewRoom.doc}
                      items={items}
                      me={me}
                    />
                  </Match>
                  <Match when={s().status === 'live'}>
                    <SessionLive
                      session={s()}
                      project={project()}
                      reviewer={reviewer()}
                      reviewDoc={reviewRoom.doc}
                      bookletDoc={bookletRoom.doc}
                      items={items}
                      me={me}
                    />
                  </Match>
                  <Match when={s().status === 'ended'}>
                    <SessionEnded session={s()} project={project()} items={items} />
                  </Match>
                </Switch>
              </>
            )}
          </Show>
        </Show>
      </main>
    </>
  )
}

function today(): string {
  const d = new Date()
  const pad = (n: number): string => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

function SessionList(props: {
  sessions: ReviewSession[]
  reviewer: boolean
  projectId: string
  onOpen: (id: string) => void
  onCreate: (title: string, date: string, n: number) => Promise<void>
}) {
  const [title, setTitle] = createSignal('')
  const [date, setDate] = createSignal(today())
  const [n, setN] = createSignal(10)
  const [busy, setBusy] = createSignal(false)
  const [error, setError] = createSignal('')
  let alive = true
  onCleanup(() => (alive = false))
  return (
    <>
      <h1>Review sessions</h1>
      <Show when={props.reviewer}>
        <form
          class="card rv-new"
          data-testid="review-new"
          onSubmit={(e) => {
            e.preventDefault()
            setBusy(true)
            setError('')
            props
              .onCreate(title().trim() || 'Review session', date(), n())
              .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)))
              .finally(() => alive && setBusy(false))
          }}
        >
          <h2>New session</h2>
          <label>
            Title
            <input
              name="title"
              value={title()}
              maxLength={200}
              placeholder="Weekly review"
              onInput={(e) => setTitle(e.currentTarget.value)}
            />
          </label>
          <label>
            Date
            <input
              name="date"
              type="date"
              required
              value={date()}
              onInput={(e) => setDate(e.currentTarget.value)}
            />
          </label>
          <label>
            Top hotspots
            <input
              name="n"
              type="number"
              min="1"
              max="100"
              value={n()}
              onInput={(e) => setN(Math.max(1, Math.min(100, Number(e.currentTarget.value) || 1)))}
            />
          </label>
          <p class="muted">
            The agenda: the top hotspots plus every flagged item, editable before the session
            starts.
          </p>
          <button type="submit" class="primary" disabled={busy()}>
            {busy() ? 'Building the agenda…' : 'Create session'}
          </button>
          <Show when={error()}>
            <p class="error">{error()}</p>
          </Show>
        </form>
      </Show>
      <Show
        when={props.sessions.length > 0}
        fallback={
          <p class="muted" data-testid="review-none">
            No review session yet.{' '}
            {props.reviewer ? '' : 'When a reviewer starts one, it opens here for you.'}
          </p>
        }
      >
        <ul class="rv-sessions" data-testid="review-sessions">
          <For each={props.sessions}>
            {(s) => (
              <li class="card" data-session={s.id}>
                <button type="button" class="link" onClick={() => props.onOpen(s.id)}>
                  {s.title}
                </button>{' '}
                <span class="muted">{s.date}</span>{' '}
                <span class={`rv-status rv-status-${s.status}`}>{s.status}</span>{' '}
                <span class="muted">
                  {s.agenda.length} items · {Object.keys(s.decisions).length} decided
                </span>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </>
  )
}
