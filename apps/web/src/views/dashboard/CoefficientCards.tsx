import { For, Show } from 'solid-js'
import { agreementDomain, formatInterval, formatValue, linearScale } from './chart-scales'
import type { AgreementReport, Coefficient } from './types'

const LEVEL_NAMES: Record<string, string> = {
  nominal: 'nominal',
  ordinal: 'ordinal',
  interval: 'interval',
  ratio: 'ratio',
  masi: 'MASI distance',
}

/** The overall coefficients: value, confidence interval, what they were computed over. */
export function CoefficientCards(props: { report: AgreementReport }) {
  const cards = () => {
    const o = props.report.overall
    return [
      {
        key: 'alpha',
        title: "Krippendorff's α",
        note: `${LEVEL_NAMES[props.report.level] ?? props.report.level} level`,
        c: o.alpha,
      },
      {
        key: 'kappa',
        title: o.kappa.kind === 'cohen' ? "Cohen's κ" : "Fleiss' κ",
        note: o.kappa.kind === 'cohen' ? 'two annotators' : 'many annotators',
        c: o.kappa as Coefficient,
      },
      { key: 'ac1', title: "Gwet's AC1", note: 'robust to skewed labels', c: o.ac1 },
      { key: 'percent', title: 'Percent agreement', note: 'share of agreeing pairs', c: o.percent },
    ]
  }
  // One scale for every card's interval strip, so the strips compare.
  const scale = () => {
    const values = cards().flatMap((k) => [k.c.low, k.c.value, k.c.high])
    return { domain: agreementDomain(values), x: linearScale(agreementDomain(values), [4, 156]) }
  }
  return (
    <div class="dash-cards">
      <For each={cards()}>
        {(card) => (
          <div class="card dash-coef" data-testid={`coef-${card.key}`}>
            <div class="dash-coef-title">{card.title}</div>
            <Show
              when={card.c.value !== null && Number.isFinite(card.c.value)}
              fallback={
                <>
                  <div class="dash-coef-value undefined" data-testid="coef-value">
                    undefined
                  </div>
                  <div class="dash-coef-reason" data-testid="coef-reason">
                    {card.c.reason ?? 'not defined for these labels'}
                  </div>
                </>
              }
            >
              <div class="dash-coef-value" data-testid="coef-value">
                {formatValue(card.c.value)}
              </div>
              <div class="dash-coef-ci" data-testid="coef-ci">
                <Show
                  when={formatInterval(card.c.low, card.c.high)}
                  fallback={
                    <span class="muted">
                      no interval{card.c.reason ? `: ${card.c.reason}` : ''}
                    </span>
                  }
                >
                  {(ci) => (
                    <>
                      <span class="muted">95% CI </span>
                      {ci()}
                    </>
                  )}
                </Show>
              </div>
              <Strip c={card.c} scale={scale()} />
            </Show>
            <div class="dash-coef-foot muted">
              n = {card.c.n.toLocaleString()} · {card.note}
            </div>
          </div>
        )}
      </For>
    </div>
  )
}

/** The interval as a line on the shared scale, the value as a dot, 0 and 1 marked. */
function Strip(props: {
  c: Coefficient
  scale: { domain: [number, number]; x: (v: number) => number }
}) {
  const x = (v: number) => props.scale.x(v)
  return (
    <svg class="dash-strip" viewBox="0 0 160 18" role="img" aria-hidden="true">
      <line
        x1={x(props.scale.domain[0])}
        x2={x(props.scale.domain[1])}
        y1="9"
        y2="9"
        class="track"
      />
      <line x1={x(0)} x2={x(0)} y1="4" y2="14" class="tick" />
      <line x1={x(1)} x2={x(1)} y1="4" y2="14" class="tick" />
      <Show when={props.c.low !== null && props.c.high !== null}>
        <line x1={x(props.c.low!)} x2={x(props.c.high!)} y1="9" y2="9" class="ci" />
      </Show>
      <circle cx={x(props.c.value!)} cy="9" r="4" class="dot" />
    </svg>
  )
}
