import { createEffect, createSignal, For, onCleanup, onMount, Show } from 'solid-js'

export interface TocEntry {
  id: string
  label: string
  /** A small note after the label (a version, a count). */
  note?: string
  children?: TocEntry[]
}

/** Entries in document order, children included. */
function flatten(entries: TocEntry[]): string[] {
  return entries.flatMap((e) => [e.id, ...flatten(e.children ?? [])])
}

/**
 * The booklet's table of contents. The entry of the section being read is marked (scrollspy),
 * so the reader always knows where they are in a long booklet.
 */
export function Toc(props: { entries: TocEntry[] }) {
  const [active, setActive] = createSignal('')
  let frame = 0
  const update = (): void => {
    frame = 0
    // A section is being read once its top passed the upper third of the window.
    const offset = Math.min(220, window.innerHeight * 0.3)
    let current = ''
    for (const id of flatten(props.entries)) {
      const el = document.getElementById(id)
      if (!el) continue
      if (el.getBoundingClientRect().top - offset <= 0) current = id
      else break
    }
    // Scrolled to the very end: the last section is the one being read, however short it is.
    const root = document.documentElement
    const scrollable = root.scrollHeight > window.innerHeight + 2
    if (scrollable && window.innerHeight + window.scrollY >= root.scrollHeight - 2) {
      current = flatten(props.entries).at(-1) ?? current
    }
    setActive(current || (props.entries[0]?.id ?? ''))
  }
  const schedule = (): void => {
    if (!frame) frame = requestAnimationFrame(update)
  }
  onMount(() => {
    window.addEventListener('scroll', schedule, { passive: true })
    // The document grows as content arrives and editors open: look again then too.
    const resize = new ResizeObserver(schedule)
    resize.observe(document.body)
    onCleanup(() => {
      window.removeEventListener('scroll', schedule)
      resize.disconnect()
      if (frame) cancelAnimationFrame(frame)
    })
  })
  createEffect(() => {
    void props.entries
    schedule()
  })

  const Item = (p: { entry: TocEntry }) => (
    <li>
      <a
        href={`#${p.entry.id}`}
        classList={{ active: active() === p.entry.id }}
        aria-current={active() === p.entry.id ? 'location' : undefined}
      >
        <span class="bk-toc-label">{p.entry.label}</span>
        <Show when={p.entry.note}>
          <span class="bk-toc-note">{p.entry.note}</span>
        </Show>
      </a>
      <Show when={(p.entry.children ?? []).length > 0}>
        <ol>
          <For each={p.entry.children}>{(child) => <Item entry={child} />}</For>
        </ol>
      </Show>
    </li>
  )

  return (
    <nav class="bk-toc" aria-label="Booklet contents">
      <p class="bk-toc-title">Contents</p>
      <ol>
        <For each={props.entries}>{(entry) => <Item entry={entry} />}</For>
      </ol>
    </nav>
  )
}
