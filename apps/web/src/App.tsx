import { createResource, lazy, Match, Show, Suspense, Switch, type Component } from 'solid-js'
import { api, type ProjectSummary } from './lib/api'
import { match, navigate, path } from './lib/router'
import { loadSession, user } from './lib/session'
import { LoginView } from './views/LoginView'
import { ProjectsView } from './views/ProjectsView'

// Each project view is its own chunk: an annotator's first load carries only what annotating needs.
const AnnotateView = lazy(() => import('./views/AnnotateView'))
const BookletView = lazy(() => import('./views/BookletView'))
const SettingsView = lazy(() => import('./views/SettingsView'))
const NewProjectView = lazy(() => import('./views/NewProjectView'))
const UsersView = lazy(() => import('./views/UsersView'))
const AccountView = lazy(() => import('./views/AccountView'))
const FlagsView = lazy(() => import('./views/FlagsView'))
const DashboardView = lazy(() => import('./views/DashboardView'))
const ReviewView = lazy(() => import('./views/ReviewView'))
const DataMapView = lazy(() => import('./views/DataMapView'))
const MislabeledView = lazy(() => import('./views/MislabeledView'))

export interface ProjectViewProps {
  project: ProjectSummary
  refresh: () => void
}

function ProjectPage(props: { id: string; view: Component<ProjectViewProps> }) {
  const [project, { refetch }] = createResource(
    () => props.id,
    (id) => api<{ project: ProjectSummary }>('GET', `/api/projects/${encodeURIComponent(id)}`),
  )
  return (
    <Show
      when={!project.error}
      fallback={
        <main class="page error">
          Could not open this project: {String(project.error?.message ?? project.error)}
        </main>
      }
    >
      <Show when={project()}>
        {(p) => <props.view project={p().project} refresh={() => void refetch()} />}
      </Show>
    </Show>
  )
}

export function App() {
  void loadSession()
  return (
    <Show when={user() !== undefined} fallback={<main class="page muted">Loading…</main>}>
      <Show when={user()} fallback={<LoginView />}>
        <Suspense fallback={<main class="page muted">Loading…</main>}>
          <Switch fallback={<NotFound />}>
            <Match when={path().split('?')[0] === '/' || path().startsWith('/login')}>
              <ProjectsView />
            </Match>
            <Match when={match('/p/:id/annotate', path())}>
              {(p) => <ProjectPage id={p().id!} view={AnnotateView} />}
            </Match>
            <Match when={match('/p/:id/booklet', path())}>
              {(p) => <ProjectPage id={p().id!} view={BookletView} />}
            </Match>
            <Match when={match('/p/:id/settings', path())}>
              {(p) => <ProjectPage id={p().id!} view={SettingsView} />}
            </Match>
            <Match when={match('/p/:id/dashboard', path())}>
              {(p) => <ProjectPage id={p().id!} view={DashboardView} />}
            </Match>
            <Match when={match('/p/:id/review', path())}>
              {(p) => <ProjectPage id={p().id!} view={ReviewView} />}
            </Match>
            <Match when={match('/p/:id/flags', path())}>
              {(p) => <ProjectPage id={p().id!} view={FlagsView} />}
            </Match>
            <Match when={match('/p/:id/map', path())}>
              {(p) => <ProjectPage id={p().id!} view={DataMapView} />}
            </Match>
            <Match when={match('/p/:id/mislabeled', path())}>
              {(p) => <ProjectPage id={p().id!} view={MislabeledView} />}
            </Match>
            <Match when={path().split('?')[0] === '/new-project'}>
              <NewProjectView />
            </Match>
            <Match when={path().split('?')[0] === '/users'}>
              <UsersView />
            </Match>
            <Match when={path().split('?')[0] === '/account'}>
              <AccountView />
            </Match>
          </Switch>
        </Suspense>
      </Show>
    </Show>
  )
}

function NotFound() {
  return (
    <main class="page">
      <h1>Not found</h1>
      <button type="button" onClick={() => navigate('/')}>
        Back to projects
      </button>
    </main>
  )
}
