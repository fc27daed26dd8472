import { For, Show, type JSX } from 'solid-js'
import type { ConnectionStatus } from '../lib/room'
import { Link, path } from '../lib/router'
import { signOut, user } from '../lib/session'

export interface HeaderProps {
  project?: { id: string; name: string; role: string }
  status?: ConnectionStatus
  waiting?: number
  children?: JSX.Element
}

/** The bar on every page: where I am, who I am, and whether my edits have reached the server. */
export function Header(props: HeaderProps) {
  const tabs = () =>
    props.project
      ? [
          { href: `/p/${props.project.id}/annotate`, label: 'Annotate' },
          { href: `/p/${props.project.id}/booklet`, label: 'Booklet' },
          { href: `/p/${props.project.id}/review`, label: 'Review' },
          ...(props.project.role !== 'annotator'
            ? [
                { href: `/p/${props.project.id}/flags`, label: 'Follow-up' },
                { href: `/p/${props.project.id}/dashboard`, label: 'Agreement' },
                { href: `/p/${props.project.id}/map`, label: 'Data map' },
                { href: `/p/${props.project.id}/mislabeled`, label: 'Likely mislabeled' },
              ]
            : []),
          ...(props.project.role === 'admin'
            ? [{ href: `/p/${props.project.id}/settings`, label: 'Settings' }]
            : []),
        ]
      : []
  return (
    <header class="header">
      <Link href="/" class="brand">
        Concord
      </Link>
      <Show when={props.project}>{(p) => <span class="muted">{p().name}</span>}</Show>
      <nav aria-label="Project">
        <For each={tabs()}>
          {(tab) => (
            <Link href={tab.href} class={path().startsWith(tab.href) ? 'active' : ''}>
              {tab.label}
            </Link>
          )}
        </For>
      </nav>
      <span class="spacer" />
      {props.children}
      <Show when={props.status}>
        {(status) => (
          <span class="status" data-status={status()} data-testid="connection-status" role="status">
            <span class="dot" />
            {status() === 'connected'
              ? 'Connected'
              : status() === 'offline'
                ? 'Offline'
                : 'Connecting…'}
            <Show when={(props.waiting ?? 0) > 0}>
              <span data-testid="waiting-edits">
                · {props.waiting} {props.waiting === 1 ? 'edit' : 'edits'} waiting
              </span>
            </Show>
          </span>
        )}
      </Show>
      <Show when={user()}>
        {(u) => (
          <span class="muted">
            <Link href="/account" title="Your account: change your password">
              {u().displayName}
            </Link>{' '}
            <button type="button" onClick={() => void signOut()}>
              Sign out
            </button>
          </span>
        )}
      </Show>
    </header>
  )
}
