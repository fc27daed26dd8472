import { createEffect, createMemo, createSignal, For, on, Show } from 'solid-js'
import type { ProjectViewProps } from '../App'
import { Header } from '../components/Header'
import { ReviewersOnly } from '../components/ReviewersOnly'
import { api } from '../lib/api'
import { Link } from '../lib/router'
import { ClusterList } from './models/ClusterList'
import { createLoad } from './models/load'
import { MapProgress } from './models/MapProgress'
import { coloring, type ColorBy } from './models/map-colors'
import {
  annotateHref,
  projectBase,
  type ClusterItemsResponse,
  type ClustersResponse,
  type MapPoint,
  type MapResponse,
} from './models/model-api'
import { ScatterMap } from './models/ScatterMap'
import './models.css'

/** Items listed for a selected cluster (the rest are a click on "show more" away). */
const CLUSTER_ITEMS = 200

const COLOR_BY: Array<{ id: ColorBy; name: string }> = [
  { id: 'label', name: 'Label' },
  { id: 'cluster', name: 'Cluster' },
  { id: 'disagreement', name: 'Disagreement' },
]

/**
 * /p/:id/map: every item on a 2D map of its embedding (UMAP, or PCA for large projects), with
 * the k-means clusters beside it. Gaps (clusters with few labels) are where the next labels
 * teach the model most; selecting a cluster, in the list or by a point on the map, lists its
 * items, each one click from the annotate view.
 */
export default function DataMapView(props: ProjectViewProps) {
  return (
    <ReviewersOnly project={props.project} title="Data map" what="the data map">
      <DataMap {...props} />
    </ReviewersOnly>
  )
}

interface MapData {
  map: MapResponse
  clusters: ClustersResponse
}

function DataMap(props: ProjectViewProps) {
  const project = () => props.project
  const base = () => projectBase(project().id)
  const params = new URLSearchParams(window.location.search)
  const [colorBy, setColorBy] = createSignal<ColorBy>(
    COLOR_BY.some((c) => c.id === params.get('color')) ? (params.get('color') as ColorBy) : 'label',
  )
  const wantedCluster = params.get('cluster')
  const [selected, setSelected] = createSignal<number | null>(
    wantedCluster !== null && /^\d+$/.test(wantedCluster) ? Number(wantedCluster) : null,
  )
  const [gapsOnly, setGapsOnly] = createSignal(false)
  const [k, setK] = createSignal<number>()
  const [kDraft, setKDraft] = createSignal('')

  // One after the other: the first request computes embeddings, clusters and the projection;
  // two at once would both do it.
  const load = createLoad(
    () => ({ project: project().id, k: k() }),
    async ({ k: wantK }): Promise<MapData> => {
      const clusters = await api<ClustersResponse>(
        'GET',
        `${base()}/clusters${wantK ? `?k=${wantK}` : ''}`,
      )
      const map = await api<MapResponse>('GET', `${base()}/map`)
      return { map, clusters }
    },
  )
  const data = load.value
  createEffect(
    on(data, (d) => {
      if (!d) return
      setKDraft(String(d.clusters.k))
      // A cluster from the address that no longer exists (k changed) selects nothing.
      const s = selected()
      if (s !== null && !d.clusters.clusters.some((c) => c.cluster === s)) setSelected(null)
    }),
  )

  // Colour and selection live in the address: back from the annotate view lands here again.
  createEffect(() => {
    const q = new URLSearchParams()
    if (colorBy() !== 'label') q.set('color', colorBy())
    if (selected() !== null) q.set('cluster', String(selected()))
    const s = q.toString()
    window.history.replaceState(null, '', window.location.pathname + (s ? `?${s}` : ''))
  })

  const points = () => data()?.map.points ?? []
  const paint = createMemo(() =>
    coloring(
      colorBy(),
      project().labelSchema.labels,
      (data()?.clusters.clusters ?? []).map((c) => c.cluster),
    ),
  )
  const legend = createMemo(() => {
    const counts = new Map<string, number>()
    for (const p of points()) {
      const key = paint().groupOf(p)
      counts.set(key, (counts.get(key) ?? 0) + 1)
    }
    return paint()
      .groups.map((g) => ({ ...g, count: counts.get(g.key) ?? 0 }))
      .filter((g) => g.count > 0)
  })
  const selectedStat = () => data()?.clusters.clusters.find((c) => c.cluster === selected())

  const items = createLoad(
    () => {
      const c = selected()
      return c === null || !data() ? undefined : { c, k: data()!.clusters.k }
    },
    ({ c }) =>
      api<ClusterItemsResponse>('GET', `${base()}/clusters/${c}/items?limit=${CLUSTER_ITEMS}`),
  )

  const pick = (p: MapPoint) => setSelected(p.cluster)

  return (
    <>
      <Header project={project()} />
      <main class="page models-page map-page" data-testid="data-map">
        <div class="models-title">
          <h1>Data map</h1>
          <Show when={data()}>
            {(d) => (
              <span class="muted">
                {d().map.points.length.toLocaleString()} items ·{' '}
                {d().map.method === 'umap' ? 'UMAP' : 'PCA'} of the item embeddings ·{' '}
                {d().clusters.k} clusters
              </span>
            )}
          </Show>
          <span class="spacer" />
          <button type="button" onClick={() => load.refetch()} disabled={load.loading()}>
            Refresh
          </button>
        </div>

        <div class="models-toolbar">
          <div class="segmented" role="radiogroup" aria-label="Colour by">
            <For each={COLOR_BY}>
              {(c) => (
                <label class="segment" classList={{ on: colorBy() === c.id }}>
                  <input
                    type="radio"
                    name="color-by"
                    value={c.id}
                    checked={colorBy() === c.id}
                    onChange={() => setColorBy(c.id)}
                  />
                  {c.name}
                </label>
              )}
            </For>
          </div>
          <ul class="legend" aria-label="Legend" data-testid="map-legend">
            <Show
              when={colorBy() !== 'cluster'}
              fallback={<li class="muted">colours as in the cluster list</li>}
            >
              <For each={legend()}>
                {(g) => (
                  <li data-group={g.key}>
                    <span class="swatch" style={{ background: g.color }} />
                    {g.name} <span class="muted">{g.count.toLocaleString()}</span>
                  </li>
                )}
              </For>
            </Show>
          </ul>
        </div>

        <Show when={load.error()}>
          {(e) => (
            <p class="error" role="alert" data-testid="map-error">
              Could not compute the map: {e().message}
            </p>
          )}
        </Show>
        <Show
          when={data()}
          fallback={
            <Show when={!load.error()}>
              <MapProgress base={base()} />
            </Show>
          }
        >
          {(d) => (
            <Show
              when={d().map.points.length > 0}
              fallback={<p class="muted">This project has no items yet.</p>}
            >
              <div class="map-layout">
                <div class="map-main">
                  <div class="card map-card" aria-busy={load.loading()}>
                    <ScatterMap
                      points={d().map.points}
                      coloring={paint()}
                      selectedCluster={selected()}
                      onPick={pick}
                    />
                  </div>
                  <p class="muted map-hint">
                    Hover a point for its id; click one to select its cluster.
                  </p>
                  <Show when={selectedStat()}>
                    {(c) => (
                      <section
                        class="card cluster-items"
                        data-testid="cluster-items"
                        data-cluster={c().cluster}
                      >
                        <div class="models-title">
                          <h2>
                            Cluster {c().cluster}
                            <Show when={c().gap}>
                              <span class="gap-badge">gap: few labels</span>
                            </Show>
                          </h2>
                          <span class="muted">
                            {c().size.toLocaleString()} items, {c().labelled.toLocaleString()}{' '}
                            labelled
                          </span>
                          <span class="spacer" />
                          <button type="button" onClick={() => setSelected(null)}>
                            Clear
                          </button>
                        </div>
                        <Show when={items.error()}>
                          {(e) => <p class="error">{e().message}</p>}
                        </Show>
                        <Show
                          when={
                            !items.loading() && items.value()?.cluster === c().cluster
                              ? items.value()
                              : undefined
                          }
                          fallback={<p class="muted">Loading the items…</p>}
                        >
                          {(list) => (
                            <>
                              <ol class="cluster-item-list">
                                <For each={list().items}>
                                  {(item) => (
                                    <li data-testid="cluster-item" data-item={item.itemId}>
                                      <Link href={annotateHref(project().id, item.externalId)}>
                                        {item.externalId}
                                      </Link>
                                      <span class="muted models-excerpt">
                                        {(item.text ?? '').slice(0, 140)}
                                      </span>
                                      <span
                                        class="label-count"
                                        classList={{ none: item.labelCount === 0 }}
                                        title="Labels so far"
                                      >
                                        {item.labelCount}{' '}
                                        {item.labelCount === 1 ? 'label' : 'labels'}
                                      </span>
                                    </li>
                                  )}
                                </For>
                              </ol>
                              <Show when={c().size > list().items.length}>
                                <p class="muted">
                                  The first {list().items.length} of {c().size.toLocaleString()}{' '}
                                  items.
                                </p>
                              </Show>
                            </>
                          )}
                        </Show>
                      </section>
                    )}
                  </Show>
                </div>
                <aside class="map-side" aria-label="Clusters">
                  <div class="map-side-head">
                    <h2>Clusters</h2>
                    <label class="inline-field">
                      <input
                        type="checkbox"
                        checked={gapsOnly()}
                        onChange={(e) => setGapsOnly(e.currentTarget.checked)}
                      />{' '}
                      gaps only
                    </label>
                  </div>
                  <p class="muted map-hint">
                    A gap is a cluster with a much smaller labelled share than the project's: labels
                    there teach the model the most.
                  </p>
                  <ClusterList
                    clusters={d().clusters.clusters}
                    labels={project().labelSchema.labels}
                    selected={selected()}
                    showSwatch={colorBy() === 'cluster'}
                    gapsOnly={gapsOnly()}
                    onSelect={setSelected}
                  />
                  <form
                    class="map-k"
                    onSubmit={(e) => {
                      e.preventDefault()
                      const n = Number(kDraft())
                      if (Number.isInteger(n) && n >= 2 && n <= 200) {
                        setSelected(null)
                        setK(n)
                      }
                    }}
                  >
                    <label class="inline-field">
                      Clusters{' '}
                      <input
                        type="number"
                        min="2"
                        max="200"
                        value={kDraft()}
                        onInput={(e) => setKDraft(e.currentTarget.value)}
                      />
                    </label>
                    <button type="submit" disabled={load.loading()}>
                      Recluster
                    </button>
                  </form>
                </aside>
              </div>
            </Show>
          )}
        </Show>
      </main>
    </>
  )
}
