import { createResource, For, Show } from 'solid-js'
import { Header } from '../components/Header'
import { api, type ProjectSummary } from '../lib/api'
import { Link } from '../lib/router'
import { user } from '../lib/session'

export function ProjectsView() {
  const [projects] = createResource(() =>
    api<{ projects: ProjectSummary[] }>('GET', '/api/projects'),
  )
  return (
    <>
      <Header />
      <main class="page">
        <div class="title-row">
          <h1>Projects</h1>
          <Show when={user()?.isAdmin}>
            <Link href="/users">Users</Link>
            <Link href="/new-project" class="button">
              New project
            </Link>
          </Show>
        </div>
        <Show when={projects.error}>
          <p class="error">Could not load projects: {String(projects.error?.message)}</p>
        </Show>
        <Show when={projects()} fallback={<p class="muted">Loading…</p>}>
          {(list) => (
            <Show
              when={list().projects.length > 0}
              fallback={<p class="muted">You are not a member of any project yet.</p>}
            >
              <table class="card" aria-label="Projects">
                <thead>
                  <tr>
                    <th>Name</th>
                    <th>Items</th>
                    <th>Progress</th>
                    <th>My role</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  <For each={list().projects}>
                    {(p) => {
                      const items = () => Number(p.itemCount ?? 0)
                      const done = () => Number(p.completeCount ?? 0)
                      const pct = () => (items() > 0 ? Math.round((100 * done()) / items()) : 0)
                      return (
                        <tr>
                          <td>
                            <Link href={`/p/${p.id}/annotate`}>{p.name}</Link>
                          </td>
                          <td>{items().toLocaleString()}</td>
                          <td class="progress-cell">
                            <div
                              class="progress"
                              title={`${done()} of ${items()} items have ${p.overlap} labels`}
                            >
                              <div style={{ width: `${pct()}%` }} />
                            </div>
                            <span class="muted">{pct()}% complete</span>
                          </td>
                          <td>{p.role}</td>
                          <td>
                            <Link href={`/p/${p.id}/booklet`}>Booklet</Link>
                          </td>
                        </tr>
                      )
                    }}
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
