import { createMemo, For, Show } from 'solid-js'
import type { LabelDefinition } from '../../lib/api'
import { categorical, clusterColor } from './map-colors'
import { labelCountAt, percent, type ClusterStat } from './model-api'

/**
 * The clusters beside the map, gaps first (clusters with few labels are where the model knows
 * least), then by size. Each row is a button: choosing one selects that cluster everywhere.
 */
export function ClusterList(props: {
  clusters: ClusterStat[]
  labels: LabelDefinition[]
  selected: number | null
  showSwatch: boolean
  gapsOnly: boolean
  onSelect: (cluster: number | null) => void
}) {
  const sorted = createMemo(() =>
    props.clusters
      .filter((c) => !props.gapsOnly || c.gap)
      .sort((a, b) => Number(b.gap) - Number(a.gap) || b.size - a.size || a.cluster - b.cluster),
  )
  return (
    <ul class="cluster-list" aria-label="Clusters" data-testid="cluster-list">
      <For each={sorted()}>
        {(c) => {
          const labelled = () => c.labelled
          const counts = () => props.labels.map((_, i) => labelCountAt(c.labelCounts, i))
          const countsTotal = () => counts().reduce((a, b) => a + b, 0)
          return (
            <li>
              <button
                type="button"
                class="cluster-row"
                classList={{ selected: props.selected === c.cluster, gap: c.gap }}
                aria-pressed={props.selected === c.cluster}
                data-testid="cluster-row"
                data-cluster={c.cluster}
                onClick={() => props.onSelect(props.selected === c.cluster ? null : c.cluster)}
              >
                <span class="cluster-name">
                  <Show when={props.showSwatch}>
                    <span class="swatch" style={{ background: clusterColor(c.cluster) }} />
                  </Show>
                  Cluster {c.cluster}
                  <Show when={c.gap}>
                    <span
                      class="gap-badge"
                      title="A smaller share of this cluster is labelled than of the project as a whole"
                    >
                      gap: few labels
                    </span>
                  </Show>
                </span>
                <span class="cluster-numbers muted">
                  {c.size.toLocaleString()} items · {labelled().toLocaleString()} labelled (
                  {c.size > 0 ? percent(labelled() / c.size) : '—'}) · disagreement{' '}
                  {c.meanDisagreement === null || !Number.isFinite(c.meanDisagreement)
                    ? '—'
                    : c.meanDisagreement.toFixed(2)}
                </span>
                <span
                  class="dist-bar"
                  role="img"
                  aria-label={
                    countsTotal() === 0
                      ? 'No consensus labels yet'
                      : props.labels
                          .map((l, i) => `${l.name}: ${counts()[i]}`)
                          .filter((_, i) => counts()[i]! > 0)
                          .join(', ')
                  }
                >
                  <For each={props.labels}>
                    {(l, i) => (
                      <Show when={counts()[i()]! > 0}>
                        <span
                          style={{
                            width: percent(counts()[i()]! / Math.max(1, countsTotal()), 2),
                            background: categorical(i()),
                          }}
                          title={`${l.name}: ${counts()[i()]}`}
                        />
                      </Show>
                    )}
                  </For>
                </span>
              </button>
            </li>
          )
        }}
      </For>
    </ul>
  )
}
