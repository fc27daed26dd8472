import { For, Index, Show } from 'solid-js'
import { Link } from '../../lib/router'
import { formatValue, heatColor, textColorOn, truncate } from './chart-scales'
import type { HotspotsReport } from './types'

/** Where annotators disagree: items, confused label pairs, annotators far from the consensus. */
export function Hotspots(props: {
  report: HotspotsReport
  project: string
  labelName: (id: string) => string
  json: string
}) {
  const annotate = (externalId: string) =>
    `/p/${encodeURIComponent(props.project)}/annotate?item=${encodeURIComponent(externalId)}`
  const maxPair = () => Math.max(1, ...props.report.labelPairs.map((p) => p.count))
  return (
    <div class="dash-hotspots">
      <section class="card dash-panel" aria-labelledby="hot-items-title" data-testid="hot-items">
        <div class="dash-panel-head">
          <div>
            <h2 id="hot-items-title">Items with the most disagreement</h2>
            <p class="muted dash-sub">Ranked by score; open one to label or discuss it.</p>
          </div>
          <span class="dash-links">
            <a href={props.json} target="_blank" rel="noopener">
              JSON
            </a>
          </span>
        </div>
        <Show
          when={props.report.items.length > 0}
          fallback={<p class="muted">No item has disagreeing labels.</p>}
        >
          <ol class="dash-hot-list">
            <For each={props.report.items}>
              {(item) => (
                <li data-testid="hot-item">
                  <div class="dash-hot-main">
                    <Link href={annotate(item.externalId)} class="mono">
                      {item.externalId}
                    </Link>
                    <span class="dash-score">score {formatValue(item.score)}</span>
                    <span class="dash-votes">
                      <For each={Object.entries(item.votes).sort((a, b) => b[1] - a[1])}>
                        {([label, count]) => (
                          <span class="chip">
                            {props.labelName(label)} × {count}
                          </span>
                        )}
                      </For>
                    </span>
                  </div>
                  <Show when={item.text}>
                    <div class="muted dash-hot-text">{truncate(item.text ?? '', 180)}</div>
                  </Show>
                  <Show when={item.reasons.length > 0}>
                    <ul class="dash-reasons">
                      <For each={item.reasons}>{(r) => <li>{r}</li>}</For>
                    </ul>
                  </Show>
                </li>
              )}
            </For>
          </ol>
        </Show>
      </section>

      <div class="dash-grid">
        <section class="card dash-panel" aria-labelledby="hot-pairs-title" data-testid="hot-pairs">
          <h2 id="hot-pairs-title">Labels confused with each other</h2>
          <p class="muted dash-sub">
            Items where one annotator chose one label and another the other.
          </p>
          <Show
            when={props.report.labelPairs.length > 0}
            fallback={<p class="muted">No two labels are confused.</p>}
          >
            <ol class="dash-pairs">
              <For each={props.report.labelPairs}>
                {(p) => (
                  <li>
                    <div class="dash-pair-head">
                      <strong>{props.labelName(p.a)}</strong>
                      <span class="muted"> ↔ </span>
                      <strong>{props.labelName(p.b)}</strong>
                      <span class="dash-pair-count">{p.count} items</span>
                    </div>
                    <div class="progress" aria-hidden="true">
                      <div style={{ width: `${(100 * p.count) / maxPair()}%` }} />
                    </div>
                    <Show when={p.examples.length > 0}>
                      <div class="dash-examples">
                        <span class="muted">e.g. </span>
                        <For each={p.examples.slice(0, 6)}>
                          {(ex) => (
                            <Link href={annotate(ex.externalId)} class="mono">
                              {ex.externalId}
                            </Link>
                          )}
                        </For>
                      </div>
                    </Show>
                  </li>
                )}
              </For>
            </ol>
          </Show>
        </section>

        <section
          class="card dash-panel"
          aria-labelledby="hot-annotators-title"
          data-testid="hot-annotators"
        >
          <h2 id="hot-annotators-title">Annotators departing from the consensus</h2>
          <p class="muted dash-sub">
            Departure from the others' consensus; the matrix counts items by this annotator's label
            (rows) and the consensus (columns).
          </p>
          <Show
            when={props.report.annotators.length > 0}
            fallback={<p class="muted">Not enough overlap to compare annotators.</p>}
          >
            <ol class="dash-departures">
              <For each={props.report.annotators}>
                {(a) => (
                  <li data-testid="hot-annotator">
                    <div class="dash-pair-head">
                      <strong>{a.name}</strong>
                      <span class="dash-score">departure {formatValue(a.departure)}</span>
                      <span class="muted">{a.items} items</span>
                    </div>
                    <Confusion confusion={a.confusion} labelName={props.labelName} />
                  </li>
                )}
              </For>
            </ol>
          </Show>
        </section>
      </div>
    </div>
  )
}

function Confusion(props: {
  confusion: { labels: string[]; matrix: number[][] }
  labelName: (id: string) => string
}) {
  const max = () => Math.max(1, ...props.confusion.matrix.flat())
  return (
    <Show when={props.confusion.labels.length > 0}>
      <div class="dash-scroll">
        <table class="dash-confusion">
          <thead>
            <tr>
              <th scope="col">
                <span class="sr-only">annotator's label, consensus label</span>
              </th>
              <For each={props.confusion.labels}>
                {(l) => <th scope="col">{truncate(props.labelName(l), 12)}</th>}
              </For>
            </tr>
          </thead>
          <tbody>
            <Index each={props.confusion.matrix}>
              {(row, i) => (
                <tr>
                  <th scope="row">
                    {truncate(props.labelName(props.confusion.labels[i] ?? ''), 12)}
                  </th>
                  <Index each={row()}>
                    {(count, j) => {
                      // The diagonal is agreement (blue); off it, disagreement (red), by count.
                      const fill = () =>
                        count() === 0
                          ? 'transparent'
                          : heatColor(((i === j ? 1 : -1) * count()) / max())
                      return (
                        <td
                          style={{
                            background: fill(),
                            color: fill() === 'transparent' ? undefined : textColorOn(fill()),
                          }}
                        >
                          {count()}
                        </td>
                      )
                    }}
                  </Index>
                </tr>
              )}
            </Index>
          </tbody>
        </table>
      </div>
    </Show>
  )
}
