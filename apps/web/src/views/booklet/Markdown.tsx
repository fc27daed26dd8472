import { createMemo, Show } from 'solid-js'
import { renderMarkdown } from '../../lib/markdown'
import { navigate } from '../../lib/router'

/**
 * Booklet Markdown, rendered and sanitised (lib/markdown). Links inside the app (an example's
 * item, another section) navigate without a page load.
 */
export function Markdown(props: { text: string; placeholder?: string; class?: string }) {
  const html = createMemo(() => renderMarkdown(props.text))
  const onClick = (e: MouseEvent): void => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) {
      return
    }
    const anchor = (e.target as Element | null)?.closest?.('a')
    if (!anchor || !anchor.hasAttribute('href') || anchor.target === '_blank') return
    const url = new URL(anchor.href, window.location.href)
    if (url.origin !== window.location.origin) return
    if (url.pathname === window.location.pathname && url.hash) return // an anchor on this page
    e.preventDefault()
    navigate(url.pathname + url.search)
  }
  return (
    <Show
      when={html() !== ''}
      fallback={
        <Show when={props.placeholder}>
          <p class="md-empty">{props.placeholder}</p>
        </Show>
      }
    >
      <div class={`md ${props.class ?? ''}`} innerHTML={html()} onClick={onClick} />
    </Show>
  )
}
