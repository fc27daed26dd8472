import { createSignal, onCleanup, Show } from 'solid-js'
import { api } from '../../lib/api'
import type { MapProgressResponse } from './model-api'

/** How often the page asks what the computation is doing. */
const POLL_MS = 1000

/**
 * What the server is doing while the first map of a project is computed: embedding every item,
 * then k-means and UMAP, which takes about a minute at 20,000 items on two cores. Without it the
 * page said only "computing" for that whole minute.
 */
export function MapProgress(props: { base: string }) {
  const [progress, setProgress] = createSignal<MapProgressResponse['progress']>(null)
  const [now, setNow] = createSignal(Date.now())
  let stopped = false
  const poll = async (): Promise<void> => {
    try {
      const res = await api<MapProgressResponse>('GET', `${props.base}/map/progress`)
      if (!stopped) setProgress(res.progress)
    } catch {
      // Progress is a courtesy: the map request itself reports real errors.
    }
    setNow(Date.now())
  }
  void poll()
  const timer = setInterval(() => void poll(), POLL_MS)
  onCleanup(() => {
    stopped = true
    clearInterval(timer)
  })
  return (
    <p class="muted card map-loading" role="status" data-testid="map-progress">
      Computing the map…{' '}
      <Show
        when={progress()}
        fallback="The first time, every item is embedded, clustered and projected."
      >
        {(p) => (
          <>
            Now: {p().step} ({Math.max(0, Math.round((now() - p().startedAt) / 1000))} s so far).
            {(p().items ?? 0) > 5000 ? ' A UMAP of 20,000 items takes about a minute.' : ''}
          </>
        )}
      </Show>
    </p>
  )
}
