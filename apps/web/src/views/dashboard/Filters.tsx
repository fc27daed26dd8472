import { For } from 'solid-js'
import type { AgreementFilters, AnnotatorRef } from './types'

/** Label, annotator and date range; every change refetches. */
export function Filters(props: {
  value: AgreementFilters
  labels: Array<{ id: string; name: string }>
  annotators: AnnotatorRef[]
  onChange: (next: AgreementFilters) => void
}) {
  const set = (key: keyof AgreementFilters, v: string) =>
    props.onChange({ ...props.value, [key]: v })
  const any = () => Object.values(props.value).some((v) => v !== '')
  return (
    <form class="dash-filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
      <div>
        <label for="dash-label">Label</label>
        <select
          id="dash-label"
          value={props.value.label}
          onChange={(e) => set('label', e.currentTarget.value)}
        >
          <option value="">All labels</option>
          <For each={props.labels}>{(l) => <option value={l.id}>{l.name}</option>}</For>
        </select>
      </div>
      <div>
        <label for="dash-annotator">Annotator</label>
        <select
          id="dash-annotator"
          value={props.value.annotator}
          onChange={(e) => set('annotator', e.currentTarget.value)}
        >
          <option value="">All annotators</option>
          <For each={props.annotators}>{(a) => <option value={a.id}>{a.name}</option>}</For>
        </select>
      </div>
      <div>
        <label for="dash-from">From</label>
        <input
          id="dash-from"
          type="date"
          value={props.value.from}
          max={props.value.to || undefined}
          onChange={(e) => set('from', e.currentTarget.value)}
        />
      </div>
      <div>
        <label for="dash-to">To</label>
        <input
          id="dash-to"
          type="date"
          value={props.value.to}
          min={props.value.from || undefined}
          onChange={(e) => set('to', e.currentTarget.value)}
        />
      </div>
      <button
        type="button"
        disabled={!any()}
        onClick={() => props.onChange({ label: '', annotator: '', from: '', to: '' })}
      >
        Clear filters
      </button>
    </form>
  )
}
