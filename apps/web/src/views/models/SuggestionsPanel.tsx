import { createEffect, createMemo, createSignal, For, Show } from 'solid-js'
import { api } from '../../lib/api'
import { createLoad } from './load'
import { percent, projectBase, type SuggestionsResponse } from './model-api'
import './suggestions.css'

/** After a "hidden" answer, do not ask again for this long: most sessions never see them. */
const HIDDEN_RECHECK_MS = 60_000
/** Answers kept per page, so going back and forth through items does not ask again. */
const CACHE_SIZE = 200

/**
 * "Model suggests": the active model's top labels for the item on screen, with probabilities.
 * Read-only on purpose: a suggestion never selects a label (it would anchor people), and it
 * takes no keys, so the keyboard flow of the annotate view is unchanged. Renders nothing when
 * the project hides suggestions from this member, when there is no model, or offline.
 */
export function SuggestionsPanel(props: {
  projectId: string
  itemId: string | undefined
  labelName: (id: string) => string
}) {
  const cache = new Map<string, SuggestionsResponse>()
  let hiddenUntil = 0
  const suggestions = createLoad(
    () => props.itemId,
    async (itemId): Promise<SuggestionsResponse | undefined> => {
      const hit = cache.get(itemId)
      if (hit) return hit
      if (Date.now() < hiddenUntil) return undefined
      try {
        const res = await api<SuggestionsResponse>(
          'GET',
          `${projectBase(props.projectId)}/suggestions?item=${encodeURIComponent(itemId)}`,
        )
        if (res.hidden) {
          hiddenUntil = Date.now() + HIDDEN_RECHECK_MS
          return undefined
        }
        if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!)
        cache.set(itemId, res)
        return res
      } catch {
        // Suggestions are an aid: offline or an error simply shows none.
        return undefined
      }
    },
  )
  // The previous item's suggestions must never show on the next item, not even while it loads.
  const shown = createMemo(() => {
    if (suggestions.loading() || props.itemId === undefined) return undefined
    const s = suggestions.value()
    return s?.model && s.labels.length > 0 ? s : undefined
  })
  // While the next item's suggestions load, an empty panel keeps the place of the last one, so
  // what is below it does not jump at every key press.
  const [reserve, setReserve] = createSignal(false)
  createEffect(() => {
    if (!suggestions.loading()) setReserve(shown() !== undefined)
  })
  return (
    <Show
      when={shown()}
      fallback={
        <Show when={reserve() && suggestions.loading()}>
          <section class="suggest suggest-pending" aria-hidden="true" />
        </Show>
      }
    >
      {(s) => (
        <section class="suggest" aria-label="Model suggestions" data-testid="suggestions">
          <div class="suggest-head">
            <span>Model suggests</span>
            <span class="muted" data-testid="suggestions-version">
              v{s().model!.version}
            </span>
          </div>
          <ol class="suggest-list">
            <For each={s().labels}>
              {(l) => (
                <li data-label={l.label}>
                  <span class="suggest-name">{props.labelName(l.label)}</span>
                  <span class="suggest-bar" aria-hidden="true">
                    <span style={{ width: percent(Math.max(0, Math.min(1, l.probability))) }} />
                  </span>
                  <span class="suggest-p">{percent(l.probability)}</span>
                </li>
              )}
            </For>
          </ol>
        </section>
      )}
    </Show>
  )
}
