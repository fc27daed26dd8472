import { createEffect, createSignal, on, type Accessor } from 'solid-js'

export interface Loaded<T> {
  /** The latest answer; kept while the next one loads, so the page does not flash. */
  value: Accessor<T | undefined>
  error: Accessor<Error | undefined>
  loading: Accessor<boolean>
  refetch: () => void
}

/**
 * Fetches whenever `source` changes (nothing while it is undefined), latest request wins.
 * Unlike createResource it never suspends: the app's one <Suspense> would swap the whole page
 * for "Loading…" each time a cluster or scope is chosen.
 */
export function createLoad<S, T>(
  source: Accessor<S | undefined>,
  fetcher: (source: S) => Promise<T>,
): Loaded<T> {
  const [value, setValue] = createSignal<T>()
  const [error, setError] = createSignal<Error>()
  const [loading, setLoading] = createSignal(false)
  let seq = 0
  const run = (s: S | undefined): void => {
    const mine = ++seq
    if (s === undefined) {
      setLoading(false)
      return
    }
    setLoading(true)
    fetcher(s).then(
      (v) => {
        if (mine !== seq) return
        setValue(() => v)
        setError(undefined)
        setLoading(false)
      },
      (err: unknown) => {
        if (mine !== seq) return
        setError(err instanceof Error ? err : new Error(String(err)))
        setLoading(false)
      },
    )
  }
  createEffect(on(source, run))
  return { value, error, loading, refetch: () => run(source()) }
}
