import { Show, type JSX } from 'solid-js'

export interface ChartLinks {
  csv: string
  json: string
}

/** A titled panel with the chart's numbers as CSV and JSON next to the title. */
export function ChartCard(props: {
  id: string
  title: string
  subtitle?: JSX.Element
  links: ChartLinks
  actions?: JSX.Element
  class?: string
  children: JSX.Element
}) {
  return (
    <section
      class={`card dash-panel ${props.class ?? ''}`}
      aria-labelledby={`${props.id}-title`}
      data-testid={props.id}
    >
      <div class="dash-panel-head">
        <div>
          <h2 id={`${props.id}-title`}>{props.title}</h2>
          <Show when={props.subtitle}>
            <p class="muted dash-sub">{props.subtitle}</p>
          </Show>
        </div>
        <div class="dash-panel-actions">
          {props.actions}
          <span class="dash-links">
            <a href={props.links.csv} download="" data-testid={`${props.id}-csv`}>
              CSV
            </a>
            <a
              href={props.links.json}
              target="_blank"
              rel="noopener"
              data-testid={`${props.id}-json`}
            >
              JSON
            </a>
          </span>
        </div>
      </div>
      {props.children}
    </section>
  )
}
