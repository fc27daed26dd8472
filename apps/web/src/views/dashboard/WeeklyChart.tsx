import { For, Index, Show } from 'solid-js'
import {
  agreementDomain,
  bands,
  formatValue,
  isLabelled,
  labelSide,
  labelStride,
  linearScale,
  linePath,
  ticks,
} from './chart-scales'
import type { AgreementReport } from './types'

const WIDTH = 560
const HEIGHT = 280
const M = { left: 44, right: 14, top: 40, bottom: 48 }

type Week = AgreementReport['weekly'][number]

/** Agreement per week as two lines (alpha, percent), each point's value printed next to it. */
export function WeeklyChart(props: { weekly: Week[] }) {
  const domain = () => agreementDomain(props.weekly.flatMap((w) => [w.alpha, w.percent]))
  const y = () => linearScale(domain(), [HEIGHT - M.bottom, M.top])
  const x = () => bands(props.weekly.length, [M.left, WIDTH - M.right], 0)
  const stride = () => labelStride(x().step, 40)
  const labelled = (i: number) => isLabelled(i, props.weekly.length, stride())
  const series = [
    { key: 'alpha' as const, other: 'percent' as const, class: 'alpha', name: 'α' },
    { key: 'percent' as const, other: 'alpha' as const, class: 'percent', name: '% agreement' },
  ]
  return (
    <Show
      when={props.weekly.length > 0}
      fallback={<p class="muted">No labels in this date range.</p>}
    >
      <svg
        class="dash-line"
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={`Agreement per week over ${props.weekly.length} weeks`}
        data-testid="weekly-chart"
      >
        <Index each={series}>
          {(s, k) => (
            <g transform={`translate(${M.left + k * 90} 6)`}>
              <line x1="0" x2="18" y1="6" y2="6" class={`series ${s().class}`} />
              <circle cx="9" cy="6" r="3.5" class={`point ${s().class}`} />
              <text x="24" y="10" class="axis-label">
                {s().name}
              </text>
            </g>
          )}
        </Index>
        <For each={ticks(domain(), 0.25)}>
          {(t) => (
            <>
              <line
                x1={M.left}
                x2={WIDTH - M.right}
                y1={y()(t)}
                y2={y()(t)}
                class={t === 0 ? 'zero' : 'grid'}
              />
              <text
                x={M.left - 6}
                y={y()(t)}
                text-anchor="end"
                dominant-baseline="middle"
                class="axis-label"
              >
                {t}
              </text>
            </>
          )}
        </For>
        <Index each={props.weekly}>
          {(w, i) => (
            <Show when={labelled(i)}>
              <text
                x={x().center(i)}
                y={HEIGHT - M.bottom + 16}
                text-anchor="middle"
                class="axis-label"
              >
                {w().week.slice(5)}
              </text>
              <text
                x={x().center(i)}
                y={HEIGHT - M.bottom + 31}
                text-anchor="middle"
                class="axis-label faint"
              >
                n={w().annotations}
              </text>
            </Show>
          )}
        </Index>
        <text x={M.left} y={HEIGHT - 4} class="axis-label faint">
          week starting (MM-DD), n = labels that week
        </text>
        <For each={series}>
          {(s) => (
            <g data-testid={`weekly-${s.key}`}>
              <path
                d={linePath(
                  props.weekly.map((w, i) => ({
                    x: x().center(i),
                    y: w[s.key] === null ? null : y()(w[s.key]!),
                  })),
                )}
                class={`series ${s.class}`}
              />
              <Index each={props.weekly}>
                {(w, i) => (
                  <Show when={w()[s.key] !== null}>
                    <circle
                      cx={x().center(i)}
                      cy={y()(w()[s.key]!)}
                      r="3.5"
                      class={`point ${s.class}`}
                      data-week={w().week}
                    />
                    <Show when={labelled(i)}>
                      <text
                        x={x().center(i)}
                        y={
                          y()(w()[s.key]!) +
                          (labelSide(w()[s.key]!, w()[s.other], s.key === 'percent') === 'above'
                            ? -8
                            : 15)
                        }
                        text-anchor="middle"
                        class={`point-label ${s.class}`}
                      >
                        {formatValue(w()[s.key], 2)}
                      </text>
                    </Show>
                  </Show>
                )}
              </Index>
            </g>
          )}
        </For>
        <Index each={props.weekly}>
          {(w, i) => (
            <Show when={w().alpha === null && labelled(i)}>
              <text x={x().center(i)} y={y()(0) - 6} text-anchor="middle" class="undefined-label">
                α undefined
              </text>
            </Show>
          )}
        </Index>
      </svg>
    </Show>
  )
}
