import { createEffect, onCleanup, type JSX } from 'solid-js'
import type * as Y from 'yjs'
import { bindTextarea } from '../../lib/ytext-binding'

const fieldSizing = typeof CSS !== 'undefined' && CSS.supports('field-sizing', 'content')

/**
 * A labelled textarea bound live to a Y.Text (lib/ytext-binding): every keystroke reaches the
 * other editors, theirs show up here with the caret kept in place. It grows with its content.
 */
export function YTextArea(props: {
  text: Y.Text | undefined
  id: string
  label: string
  hint?: JSX.Element
  autofocus?: boolean
  testId?: string
}) {
  let textarea!: HTMLTextAreaElement
  const fit = (): void => {
    if (fieldSizing) return
    // No `field-sizing` (Firefox, Safari): grow by hand, keeping the page where it is.
    const y = window.scrollY
    textarea.style.height = 'auto'
    textarea.style.height = `${textarea.scrollHeight + 2}px`
    window.scrollTo({ top: y })
  }
  createEffect(() => {
    const text = props.text
    if (!text) return
    const dispose = bindTextarea(textarea, text)
    fit()
    textarea.addEventListener('ytext-remote', fit)
    onCleanup(() => {
      textarea.removeEventListener('ytext-remote', fit)
      dispose()
    })
  })
  createEffect(() => {
    if (props.autofocus) {
      textarea.focus({ preventScroll: true })
      textarea.setSelectionRange(textarea.value.length, textarea.value.length)
    }
  })
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <textarea
        ref={textarea}
        id={props.id}
        class="ytext"
        spellcheck={true}
        readOnly={!props.text}
        data-testid={props.testId}
        aria-describedby={props.hint ? `${props.id}-hint` : undefined}
        onInput={fit}
      />
      {props.hint && (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      )}
    </div>
  )
}
