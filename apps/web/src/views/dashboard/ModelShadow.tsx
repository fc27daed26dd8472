import { createResource, For, Show } from 'solid-js'
import { api } from '../../lib/api'

interface ShadowScore {
  n: number
  agreement: number | null
  kappa: number | null
  reason?: string
}

interface ShadowReport {
  model: { id: string; version: number; annotator: string } | null
  vsConsensus?: ShadowScore
  annotators?: (ShadowScore & { id: string; name: string })[]
  overall?: { alphaHumans: number | null; alphaWithModel: number | null }
}

const fmt = (v: number | null | undefined) => (v === null || v === undefined ? '–' : v.toFixed(3))

/**
 * Shadow mode: the model scored like one more annotator, beside the people, without entering
 * the coefficients above (alpha with the model is shown separately, for comparison only).
 */
export function ModelShadow(props: { project: string; refresh: unknown }) {
  const [report] = createResource(
    () => [props.project, props.refresh] as const,
    ([project]) =>
      api<ShadowReport>('GET', `/api/projects/${encodeURIComponent(project)}/models/shadow`),
  )
  return (
    <Show when={report()?.model ? report() : undefined}>
      {(r) => (
        <section class="card dash-panel" data-testid="model-shadow" aria-labelledby="shadow-title">
          <div class="dash-panel-head">
            <div>
              <h2 id="shadow-title">Model in shadow mode: {r().model!.annotator}</h2>
              <p class="muted dash-sub">
                The model's top label counts as a virtual annotator. It is left out of the
                coefficients above; Krippendorff's alpha with it: {fmt(r().overall?.alphaWithModel)}{' '}
                (people only: {fmt(r().overall?.alphaHumans)}).
              </p>
            </div>
          </div>
          <table class="dash-table">
            <thead>
              <tr>
                <th>Model vs</th>
                <th>Items</th>
                <th>Agreement</th>
                <th>Cohen's kappa</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <td>Consensus</td>
                <td>{r().vsConsensus?.n ?? 0}</td>
                <td>{fmt(r().vsConsensus?.agreement)}</td>
                <td>{fmt(r().vsConsensus?.kappa)}</td>
              </tr>
              <For each={r().annotators ?? []}>
                {(a) => (
                  <tr>
                    <td>{a.name}</td>
                    <td>{a.n}</td>
                    <td>{fmt(a.agreement)}</td>
                    <td title={a.reason ?? ''}>{fmt(a.kappa)}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </section>
      )}
    </Show>
  )
}
