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

/** Items annotators flagged as ambiguous: what reviewers take to the next review session. */
export default function FlagsView(props: ProjectViewProps) {
  const [flags, { refetch }] = createResource(
    () => props.project.id,
    (id) => api<{ flags: Flag[] }>('GET', `/api/projects/${encodeURIComponent(id)}/flags`),
  )
  return (
    <>
      <Header project={props.project} />
      <main class="page">
        <div style={{ display: 'flex', 'align-items': 'center', gap: '1rem' }}>
          <h1 style={{ flex: 1 }}>Flagged as ambiguous</h1>
          <button type="button" onClick={() => void refetch()}>
            Refresh
          </button>
        </div>
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
      </main>
    </>
  )
}
