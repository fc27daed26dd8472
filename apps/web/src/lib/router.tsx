import { createSignal, type JSX } from 'solid-js'

const [path, setPath] = createSignal(window.location.pathname + window.location.search)
window.addEventListener('popstate', () =>
  setPath(window.location.pathname + window.location.search),
)

/** The current path (with query), reactive. */
export { path }

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === path()) return
  if (opts.replace) window.history.replaceState(null, '', to)
  else window.history.pushState(null, '', to)
  setPath(to)
  window.scrollTo(0, 0)
}

/** An <a> that navigates inside the app without a page load (ctrl/cmd-click still opens a tab). */
export function Link(props: {
  href: string
  class?: string
  children: JSX.Element
  title?: string
}) {
  return (
    <a
      href={props.href}
      class={props.class}
      title={props.title}
      onClick={(e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
        e.preventDefault()
        navigate(props.href)
      }}
    >
      {props.children}
    </a>
  )
}

/** Matches `/p/:id/annotate`-style patterns; returns the parameters or null. */
export function match(pattern: string, current: string): Record<string, string> | null {
  const [pathname] = current.split('?')
  const want = pattern.split('/')
  const got = (pathname ?? '').split('/')
  if (want.length !== got.length) return null
  const params: Record<string, string> = {}
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!
    const g = got[i]!
    if (w.startsWith(':')) params[w.slice(1)] = decodeURIComponent(g)
    else if (w !== g) return null
  }
  return params
}
