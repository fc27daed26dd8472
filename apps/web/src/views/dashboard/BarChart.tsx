import { For, Index, Show } from 'solid-js'
import { agreementDomain, barSpan, formatValue, linearScale, ticks, truncate } from './chart-scales'

export interface BarRow {
  key: string
  name: string
  /** One value per series; null is undefined (printed as such, no bar). */
  values: Array<number | null>
  /** Printed at the right, e.g. "27 items". */
  note: string
  /** Why the first value is undefined, printed in place of the bar. */
  reason?: string
}

export interface BarSeries {
  name: string
  class: string
}

const WIDTH = 560
const LABEL_W = 118
const NOTE_W = 78
const BAR_H = 16
const GAP = 3
const ROW_PAD = 10
const AXIS_H = 26

/** Horizontal bars from the zero line, every value printed at the bar's end. */
export function BarChart(props: {
  rows: BarRow[]
  series: BarSeries[]
  label: string
  testid: string
  empty: string
}) {
  const rowH = () => props.series.length * (BAR_H + GAP) - GAP + ROW_PAD
  const domain = () => agreementDomain(props.rows.flatMap((r) => r.values))
  const x = () => linearScale(domain(), [LABEL_W + 30, WIDTH - NOTE_W - 40])
  const top = () => (props.series.length > 1 ? 24 : 4)
  const height = () => top() + props.rows.length * rowH() + AXIS_H
  const axisY = () => top() + props.rows.length * rowH()
  return (
    <Show when={props.rows.length > 0} fallback={<p class="muted">{props.empty}</p>}>
      <svg
        class="dash-bars"
        viewBox={`0 0 ${WIDTH} ${height()}`}
        role="img"
        aria-label={props.label}
        data-testid={props.testid}
      >
        <Show when={props.series.length > 1}>
          <Index each={props.series}>
            {(s, k) => (
              <g transform={`translate(${LABEL_W + 30 + k * 170} 4)`}>
                <rect width="12" height="12" rx="2" class={`bar ${s().class}`} />
                <text x="18" y="10" class="axis-label">
                  {s().name}
                </text>
              </g>
            )}
          </Index>
        </Show>
        <For each={ticks(domain(), 0.25)}>
          {(t) => (
            <>
              <line
                x1={x()(t)}
                x2={x()(t)}
                y1={top() - 2}
                y2={axisY()}
                class={t === 0 ? 'zero' : 'grid'}
              />
              <text x={x()(t)} y={axisY() + 16} text-anchor="middle" class="axis-label">
                {t}
              </text>
            </>
          )}
        </For>
        <Index each={props.rows}>
          {(row, r) => {
            const y0 = () => top() + r * rowH() + ROW_PAD / 2
            return (
              <g data-testid={`${props.testid}-row`} data-key={row().key}>
                <text
                  x={LABEL_W + 20}
                  y={y0() + (rowH() - ROW_PAD) / 2}
                  text-anchor="end"
                  dominant-baseline="middle"
                  class="row-label"
                >
                  {truncate(row().name, 18)}
                </text>
                <text
                  x={WIDTH - 4}
                  y={y0() + (rowH() - ROW_PAD) / 2}
                  text-anchor="end"
                  dominant-baseline="middle"
                  class="axis-label"
                >
                  {row().note}
                </text>
                <Index each={props.series}>
                  {(s, k) => {
                    const value = () => row().values[k] ?? null
                    const by = () => y0() + k * (BAR_H + GAP)
                    return (
                      <Show
                        when={value() !== null && Number.isFinite(value())}
                        fallback={
                          <text
                            x={x()(0) + 6}
                            y={by() + BAR_H / 2}
                            dominant-baseline="middle"
                            class="undefined-label"
                          >
                            {k === 0 && row().reason
                              ? `undefined: ${truncate(row().reason!, 44)}`
                              : 'undefined'}
                          </text>
                        }
                      >
                        {(() => {
                          const span = () => barSpan(value()!, x())
                          const negative = () => value()! < 0
                          return (
                            <>
                              <rect
                                x={span().x}
                                y={by()}
                                width={Math.max(1, span().width)}
                                height={BAR_H}
                                rx="2"
                                class={`bar ${s().class}`}
                              />
                              <text
                                x={negative() ? span().x - 4 : span().x + span().width + 4}
                                y={by() + BAR_H / 2}
                                text-anchor={negative() ? 'end' : 'start'}
                                dominant-baseline="middle"
                                class="bar-value"
                              >
                                {formatValue(value())}
                              </text>
                            </>
                          )
                        })()}
                      </Show>
                    )
                  }}
                </Index>
              </g>
            )
          }}
        </Index>
      </svg>
    </Show>
  )
}
