import { createResource, For, Show } from 'solid-js'
import type { ProjectViewProps } from '../App'
import { Header } from '../components/Header'
import { api } from '../lib/api'

interface Flag {
  itemId: string
  externalId: string
  text: string | null
  userId: string
  userName: string
  note: string
  createdAt: number
}

interface RecheckEntry {
  itemId: string
  externalId: string
  annotatorName: string
  label: string
  madeUnder: number
  currentVersion: number
  updatedAt: number
}

/**
 * What reviewers follow up on: items annotators flagged as ambiguous, and labels made under a
 * label definition that has changed since (to be checked again).
 */
export default function FlagsView(props: ProjectViewProps) {
  const [flags, { refetch }] = createResource(
    () => props.project.id,
    (id) => api<{ flags: Flag[] }>('GET', `/api/projects/${encodeURIComponent(id)}/flags`),
  )
  const [recheck, { refetch: refetchRecheck }] = createResource(
    () => props.project.id,
    (id) =>
      api<{ recheck: RecheckEntry[] }>('GET', `/api/projects/${encodeURIComponent(id)}/recheck`),
  )
  return (
    <>
      <Header project={props.project} />
      <main class="page">
        <div class="title-row">
          <h1>Follow-up</h1>
          <button
            type="button"
            onClick={() => {
              void refetch()
              void refetchRecheck()
            }}
          >
            Refresh
          </button>
        </div>
        <h2>Flagged as ambiguous</h2>
        <Show when={flags.error}>
          <p class="error">{String(flags.error?.message ?? flags.error)}</p>
        </Show>
        <Show when={flags()} fallback={<p class="muted">Loading…</p>}>
          {(res) => (
            <Show
              when={res().flags.length > 0}
              fallback={<p class="muted">No item is flagged. Annotators flag with the f key.</p>}
            >
              <table class="card" aria-label="Flagged items" data-testid="flags">
                <thead>
                  <tr>
                    <th>Item</th>
                    <th>Text</th>
                    <th>Flagged by</th>
                    <th>Note</th>
                    <th>When</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={res().flags}>
                    {(f) => (
                      <tr data-item={f.itemId}>
                        <td>{f.externalId}</td>
                        <td class="muted">{(f.text ?? '').slice(0, 140)}</td>
                        <td>{f.userName}</td>
                        <td>{f.note}</td>
                        <td class="muted">{new Date(f.createdAt).toLocaleString()}</td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </Show>
          )}
        </Show>
        <h2>Made under an older definition</h2>
        <Show when={recheck.error}>
          <p class="error">{String(recheck.error?.message ?? recheck.error)}</p>
        </Show>
        <Show when={recheck()}>
          {(res) => (
            <Show
              when={res().recheck.length > 0}
              fallback={
                <p class="muted">Every label was made under its label's current definition.</p>
              }
            >
              <table class="card" aria-label="Labels to re-check" data-testid="recheck">
                <thead>
                  <tr>
                    <th>Item</th>
                    <th>Annotator</th>
                    <th>Label</th>
                    <th>Made under</th>
                    <th>Now</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={res().recheck}>
                    {(r) => (
                      <tr data-item={r.itemId}>
                        <td>
                          <a
                            href={`/p/${props.project.id}/annotate?item=${encodeURIComponent(r.externalId)}`}
                          >
                            {r.externalId}
                          </a>
                        </td>
                        <td>{r.annotatorName}</td>
                        <td>{r.label}</td>
                        <td>v{r.madeUnder}</td>
                        <td>v{r.currentVersion}</td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </Show>
          )}
        </Show>
      </main>
    </>
  )
}
