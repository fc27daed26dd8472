import { bookletMeta } from '@concord/core'
import { createSignal, Show } from 'solid-js'
import * as Y from 'yjs'
import { CommitInput, EditToggle, onEscape } from './controls'
import { Markdown } from './Markdown'
import type { BookletModel } from './y-signals'
import { createYTextValue, ensureText } from './y-signals'
import { YTextArea } from './YTextArea'

/** The booklet's title and the Markdown under it. */
export function IntroSection(props: {
  model: BookletModel
  fallbackTitle: string
  canEdit: boolean
  summary: string
}) {
  const meta = bookletMeta(props.model.doc)
  const intro = createYTextValue(() => props.model.intro())
  const introText = () => {
    const value = props.model.intro()
    return value instanceof Y.Text ? value : undefined
  }
  const [editing, setEditing] = createSignal(false)
  let toggle: HTMLButtonElement | undefined
  const open = (): void => {
    meta.doc?.transact(() => ensureText(meta, 'intro'))
    setEditing(true)
  }
  const close = (): void => {
    setEditing(false)
    toggle?.focus()
  }
  const title = () => props.model.title() || props.fallbackTitle

  return (
    <header id="intro" class="bk-intro" classList={{ editing: editing() }}>
      <div class="bk-section-head">
        <h1>{title()}</h1>
        <Show when={props.canEdit}>
          <EditToggle
            editing={editing()}
            onToggle={() => (editing() ? close() : open())}
            what="the title and introduction"
            controls="intro-body"
            ref={(el) => (toggle = el)}
          />
        </Show>
      </div>
      <p class="bk-summary">{props.summary}</p>
      <div id="intro-body">
        <Show
          when={editing() && props.canEdit}
          fallback={
            <Markdown
              text={intro()}
              class="bk-lead"
              placeholder={props.canEdit ? 'No introduction yet.' : undefined}
            />
          }
        >
          <div class="bk-editor" onKeyDown={onEscape(close)}>
            <CommitInput
              id="booklet-title"
              label="Title"
              value={title()}
              required
              onCommit={(value) => meta.set('title', value)}
            />
            <YTextArea
              text={introText()}
              id="booklet-intro"
              label="Introduction"
              autofocus
              hint="Markdown: what the labels are for, and how to decide when in doubt."
            />
            <div class="bk-editor-actions">
              <span />
              <button type="button" class="primary" onClick={close}>
                Done
              </button>
            </div>
          </div>
        </Show>
      </div>
    </header>
  )
}
