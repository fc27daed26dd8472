import { For, Index, Show } from 'solid-js'
import { formatValue, heatColor, textColorOn, truncate } from './chart-scales'
import type { AgreementReport } from './types'

const CELL_W = 76
const CELL_H = 48
const LABEL_W = 120
const HEAD_H = 8
const FOOT_H = 64

/**
 * Pairwise agreement as the lower triangle of the annotator matrix: one cell per pair, its value
 * and the number of items both labelled printed in it.
 */
export function Heatmap(props: {
  pairwise: AgreementReport['pairwise']
  metric: 'kappa' | 'alpha'
}) {
  const names = () => props.pairwise.annotators
  const n = () => names().length
  const cells = () => {
    const out: Array<{ row: number; col: number; value: number | null; shared: number }> = []
    for (let i = 1; i < n(); i++) {
      for (let j = 0; j < i; j++) {
        out.push({
          row: i,
          col: j,
          value: props.pairwise[props.metric][i]?.[j] ?? null,
          shared: props.pairwise.shared[i]?.[j] ?? 0,
        })
      }
    }
    return out
  }
  const width = () => LABEL_W + Math.max(1, n() - 1) * CELL_W + 8
  const height = () => HEAD_H + Math.max(1, n() - 1) * CELL_H + FOOT_H
  const x = (col: number) => LABEL_W + col * CELL_W
  const y = (row: number) => HEAD_H + (row - 1) * CELL_H
  return (
    <Show
      when={n() >= 2}
      fallback={<p class="muted">Pairwise agreement needs two annotators with labels.</p>}
    >
      <div class="dash-scroll">
        <svg
          class="dash-heatmap"
          width={width()}
          height={height()}
          viewBox={`0 0 ${width()} ${height()}`}
          role="img"
          aria-label={`Pairwise ${props.metric === 'kappa' ? "Cohen's kappa" : 'alpha'} between ${n()} annotators`}
        >
          <Index each={names().slice(1)}>
            {(a, k) => (
              <text
                x={LABEL_W - 8}
                y={y(k + 1) + CELL_H / 2}
                class="axis-label"
                text-anchor="end"
                dominant-baseline="middle"
              >
                {truncate(a().name, 16)}
              </text>
            )}
          </Index>
          <Index each={names().slice(0, -1)}>
            {(a, k) => (
              <text
                x={x(k) + CELL_W / 2}
                y={HEAD_H + (n() - 1) * CELL_H + 8}
                class="axis-label"
                text-anchor="end"
                dominant-baseline="middle"
                transform={`rotate(-35 ${x(k) + CELL_W / 2} ${HEAD_H + (n() - 1) * CELL_H + 8})`}
              >
                {truncate(a().name, 16)}
              </text>
            )}
          </Index>
          <For each={cells()}>
            {(c) => {
              const fill = () => heatColor(c.value)
              const ink = () => textColorOn(fill())
              return (
                <g
                  data-testid="heatmap-cell"
                  data-row={names()[c.row]?.id}
                  data-col={names()[c.col]?.id}
                  data-value={c.value ?? ''}
                >
                  <title>
                    {names()[c.row]?.name} × {names()[c.col]?.name}: {formatValue(c.value)} over{' '}
                    {c.shared} shared items
                  </title>
                  <rect
                    x={x(c.col) + 1}
                    y={y(c.row) + 1}
                    width={CELL_W - 2}
                    height={CELL_H - 2}
                    rx="4"
                    fill={fill()}
                    class={c.value === null ? 'undefined' : ''}
                  />
                  <text
                    x={x(c.col) + CELL_W / 2}
                    y={y(c.row) + 20}
                    text-anchor="middle"
                    class="cell-value"
                    fill={ink()}
                  >
                    {formatValue(c.value)}
                  </text>
                  <text
                    x={x(c.col) + CELL_W / 2}
                    y={y(c.row) + 36}
                    text-anchor="middle"
                    class="cell-n"
                    fill={ink()}
                  >
                    n={c.shared}
                  </text>
                </g>
              )
            }}
          </For>
        </svg>
      </div>
      <Legend />
    </Show>
  )
}

/** The colour scale with its values printed: −1, 0, 0.5, 1 and undefined. */
function Legend() {
  const stops = [-1, -0.5, 0, 0.25, 0.5, 0.75, 1]
  return (
    <svg
      class="dash-legend"
      width="360"
      height="34"
      viewBox="0 0 360 34"
      role="img"
      aria-label="Colour scale from -1 to 1"
    >
      <For each={stops}>
        {(v, i) => (
          <>
            <rect
              x={i() * 36}
              y="2"
              width="34"
              height="14"
              rx="2"
              fill={heatColor(v)}
              class="swatch"
            />
            <text x={i() * 36 + 17} y="29" text-anchor="middle" class="axis-label">
              {v}
            </text>
          </>
        )}
      </For>
      <rect
        x={7 * 36 + 14}
        y="2"
        width="34"
        height="14"
        rx="2"
        fill={heatColor(null)}
        class="swatch"
      />
      <text x={7 * 36 + 31} y="29" text-anchor="middle" class="axis-label">
        undefined
      </text>
    </svg>
  )
}
