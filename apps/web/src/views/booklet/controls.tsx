import { createEffect, For, type JSX } from 'solid-js'

/**
 * The "Edit"/"Done" switch of a booklet section. It keeps its width when its text changes (no
 * layout jump) and says which section it edits to screen readers.
 */
export function EditToggle(props: {
  editing: boolean
  onToggle: () => void
  what: string
  controls: string
  ref?: (el: HTMLButtonElement) => void
  testId?: string
}) {
  return (
    <button
      type="button"
      class="bk-edit-toggle"
      ref={props.ref}
      aria-pressed={props.editing}
      aria-controls={props.controls}
      aria-label={props.editing ? `Done editing ${props.what}` : `Edit ${props.what}`}
      data-testid={props.testId}
      onClick={() => props.onToggle()}
    >
      <span aria-hidden="true">{props.editing ? 'Done' : 'Edit'}</span>
    </button>
  )
}

/**
 * A one-line field over a plain (last writer wins) value: it follows remote changes while it is
 * not being edited and commits on change (Enter or leaving the field).
 */
export function CommitInput(props: {
  id: string
  label: string
  value: string
  onCommit: (value: string) => void
  type?: 'text' | 'date'
  required?: boolean
  maxLength?: number
  class?: string
}) {
  let input!: HTMLInputElement
  createEffect(() => {
    const value = props.value
    if (document.activeElement !== input) input.value = value
  })
  return (
    <div class={`field ${props.class ?? ''}`}>
      <label for={props.id}>{props.label}</label>
      <input
        ref={input}
        id={props.id}
        type={props.type ?? 'text'}
        required={props.required}
        maxLength={props.maxLength ?? 500}
        onChange={(e) => {
          const value = e.currentTarget.value.replace(/\s*[\r\n]+\s*/g, ' ').trim()
          if (props.required && value === '') e.currentTarget.value = props.value
          else if (value !== props.value) props.onCommit(value)
        }}
        onBlur={(e) => {
          if (e.currentTarget.value.trim() === '' && props.required)
            e.currentTarget.value = props.value
        }}
      />
    </div>
  )
}

export interface Choice {
  value: string
  label: string
}

/** A labelled select. */
export function SelectField(props: {
  id: string
  label: string
  value: string
  choices: Choice[]
  onChange: (value: string) => void
  class?: string
}) {
  return (
    <div class={`field ${props.class ?? ''}`}>
      <label for={props.id}>{props.label}</label>
      <select
        id={props.id}
        value={props.value}
        onChange={(e) => props.onChange(e.currentTarget.value)}
      >
        <For each={props.choices}>
          {(c) => (
            <option value={c.value} selected={c.value === props.value}>
              {c.label}
            </option>
          )}
        </For>
      </select>
    </div>
  )
}

/** Closes an editor on Escape (the focus goes back to its toggle). */
export function onEscape(close: () => void): JSX.EventHandler<HTMLElement, KeyboardEvent> {
  return (e) => {
    if (e.key === 'Escape' && !e.defaultPrevented) {
      e.preventDefault()
      close()
    }
  }
}

/** Today's date in the local calendar, YYYY-MM-DD. */
export function today(): string {
  const d = new Date()
  const pad = (n: number): string => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

/** "12 March 2025" from YYYY-MM-DD, in the reader's language. */
export function formatDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number)
  if (!y || !m || !d) return date
  return new Date(y, m - 1, d).toLocaleDateString(undefined, {
    year: 'numeric',
    month: 'long',
    day: 'numeric',
  })
}
