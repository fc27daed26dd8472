import { For, Show, type JSX } from 'solid-js'
import { ApiError } from '../../lib/api'
import { errorsByPath, fieldId, type FieldErrors } from './field-errors'

export { errorsByPath, fieldId, withoutPath, type FieldErrors } from './field-errors'

/** What a failed request means for a form: messages per field and one message for the whole. */
export interface FormFailure {
  readonly fields: FieldErrors
  readonly message: string
}

export function formFailure(err: unknown): FormFailure {
  if (err instanceof ApiError) {
    const located = err.details.filter((d) => d.path !== undefined && d.path !== '')
    // A lone one-word detail ("taken") reads better as the whole message next to its field.
    const only = located.length === 1 ? located[0] : undefined
    const fields =
      only && !/\s/.test(only.message.trim())
        ? { [only.path!]: err.message }
        : errorsByPath(located)
    return { fields, message: err.message }
  }
  return { fields: {}, message: 'Could not reach the server; check the connection and try again.' }
}

/** Attributes that tie a control to its label's field: id, invalid state, description. */
export function control(
  path: string | (() => string),
  error: () => string | undefined,
  hint = false,
) {
  const at = typeof path === 'string' ? () => path : path
  return {
    get id() {
      return fieldId(at())
    },
    get 'aria-invalid'() {
      return error() ? ('true' as const) : undefined
    },
    get 'aria-describedby'() {
      const id = fieldId(at())
      const ids = [hint ? `${id}-hint` : '', error() ? `${id}-error` : ''].filter(Boolean)
      return ids.length > 0 ? ids.join(' ') : undefined
    },
  }
}

/**
 * A labelled form field: the label, the control (which spreads `control(path, ...)`), an optional
 * hint and the field's error right under it.
 */
export function Field(props: {
  path: string
  label: string
  error?: string | undefined
  hint?: JSX.Element
  class?: string
  children: JSX.Element
}) {
  const id = () => fieldId(props.path)
  return (
    <div class={`field ${props.class ?? ''}`} classList={{ invalid: !!props.error }}>
      <label for={id()}>{props.label}</label>
      {props.children}
      <Show when={props.hint}>
        <p class="hint" id={`${id()}-hint`}>
          {props.hint}
        </p>
      </Show>
      <FieldError path={props.path} error={props.error} />
    </div>
  )
}

/** A field's error message, referenced by the control's aria-describedby. */
export function FieldError(props: { path: string; error?: string | undefined }) {
  return (
    <Show when={props.error}>
      <p class="field-error" id={`${fieldId(props.path)}-error`}>
        {props.error}
      </p>
    </Show>
  )
}

/** A checkbox with its label beside it and an optional hint underneath. */
export function Checkbox(props: {
  path: string
  label: string
  hint?: string
  checked: boolean
  disabled?: boolean
  onChange: (checked: boolean) => void
}) {
  const id = () => fieldId(props.path)
  return (
    <div class="check">
      <input
        type="checkbox"
        id={id()}
        checked={props.checked}
        disabled={props.disabled}
        aria-describedby={props.hint ? `${id()}-hint` : undefined}
        onChange={(e) => props.onChange(e.currentTarget.checked)}
      />
      <div>
        <label for={id()}>{props.label}</label>
        <Show when={props.hint}>
          <p class="hint" id={`${id()}-hint`}>
            {props.hint}
          </p>
        </Show>
      </div>
    </div>
  )
}

/**
 * The list of what is wrong after a failed submit, each entry a link that moves focus to its
 * field. Paths without a field on the form are listed as plain text.
 */
export function ErrorSummary(props: {
  title: string
  message?: string | undefined
  fields: FieldErrors
  labels: (path: string) => string | undefined
}) {
  const entries = () =>
    Object.entries(props.fields).map(([path, message]) => ({
      path,
      message,
      label: props.labels(path),
      exists: typeof document !== 'undefined' && !!document.getElementById(fieldId(path)),
    }))
  return (
    <div class="error-summary" role="alert" tabindex="-1" data-testid="form-errors">
      <h2>{props.title}</h2>
      {/* The overall message only when no field says more: it repeats the first field's. */}
      <Show when={props.message && entries().length === 0}>
        <p>{props.message}</p>
      </Show>
      <Show when={entries().length > 0}>
        <ul>
          <For each={entries()}>
            {(e) => (
              <li>
                <Show
                  when={e.exists}
                  fallback={
                    <span>
                      {e.label ?? e.path}: {e.message}
                    </span>
                  }
                >
                  <a
                    href={`#${fieldId(e.path)}`}
                    onClick={(ev) => {
                      ev.preventDefault()
                      document.getElementById(fieldId(e.path))?.focus()
                    }}
                  >
                    {e.label ?? e.path}: {e.message}
                  </a>
                </Show>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </div>
  )
}

/**
 * Moves focus to the first control in document order that has an error, or else to the error
 * summary, so keyboard and screen-reader users land where the problem is.
 */
export function focusFirstInvalid(root: HTMLElement | undefined): void {
  queueMicrotask(() => {
    const el =
      root?.querySelector<HTMLElement>('[aria-invalid="true"]') ??
      root?.querySelector<HTMLElement>('.error-summary')
    el?.focus()
  })
}

export const ROLES = ['admin', 'reviewer', 'annotator'] as const
export type Role = (typeof ROLES)[number]

export const ROLE_HINTS: Record<Role, string> = {
  admin: 'everything: settings, members, imports',
  reviewer: 'reads all labels, edits the booklet, adjudicates',
  annotator: 'labels items, reads the booklet',
}
