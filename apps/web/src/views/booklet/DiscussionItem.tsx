import { BOOKLET_DATE } from '@concord/core'
import { createSignal, Show } from 'solid-js'
import type * as Y from 'yjs'
import { CommitInput, EditToggle, formatDate, onEscape } from './controls'
import { Markdown } from './Markdown'
import { createYMapFields, createYTextValue, ensureText } from './y-signals'
import { YTextArea } from './YTextArea'

/** Minutes of one discussion. */
export function DiscussionItem(props: {
  map: Y.Map<unknown>
  slug: string
  canEdit: boolean
  startEditing?: boolean
  onRemove: () => void
}) {
  const map = props.map
  const fields = createYMapFields(map)
  const date = () => fields.string('date')
  const title = () => fields.string('title')
  const body = createYTextValue(() => fields.get('body'))
  const [editing, setEditing] = createSignal(false)
  let toggle: HTMLButtonElement | undefined
  const open = (): void => {
    map.doc?.transact(() => ensureText(map, 'body'))
    setEditing(true)
  }
  const close = (): void => {
    setEditing(false)
    toggle?.focus()
  }
  if (props.startEditing && props.canEdit) open()

  return (
    <article
      id={props.slug}
      class="bk-discussion"
      classList={{ editing: editing() }}
      aria-labelledby={`${props.slug}-title`}
      data-testid="discussion"
    >
      <div class="bk-section-head">
        <time class="bk-date" datetime={date()}>
          {formatDate(date())}
        </time>
        <h3 id={`${props.slug}-title`}>{title() || 'Untitled discussion'}</h3>
        <Show when={props.canEdit}>
          <EditToggle
            editing={editing()}
            onToggle={() => (editing() ? close() : open())}
            what={`the minutes of ${formatDate(date())}`}
            controls={`${props.slug}-body`}
            ref={(el) => (toggle = el)}
          />
        </Show>
      </div>
      <div id={`${props.slug}-body`}>
        <Show
          when={editing() && props.canEdit}
          fallback={<Markdown text={body()} placeholder="No minutes written yet." />}
        >
          <div class="bk-editor" onKeyDown={onEscape(close)}>
            <div class="bk-field-row">
              <CommitInput
                id={`${props.slug}-date`}
                label="Date"
                type="date"
                value={date()}
                required
                class="bk-date-field"
                onCommit={(value) => {
                  if (BOOKLET_DATE.test(value)) map.set('date', value)
                }}
              />
              <CommitInput
                id={`${props.slug}-title-input`}
                label="Title"
                value={title()}
                class="bk-grow"
                onCommit={(value) => map.set('title', value)}
              />
            </div>
            <YTextArea
              text={fields.text('body')}
              id={`${props.slug}-body-text`}
              label="Minutes"
              autofocus
              hint="Who was there, what was decided, what changes in the booklet."
            />
            <div class="bk-editor-actions">
              <button
                type="button"
                class="bk-danger"
                onClick={() => {
                  if (window.confirm(`Remove the minutes of ${formatDate(date())}?`)) {
                    props.onRemove()
                  }
                }}
              >
                Remove minutes
              </button>
              <button type="button" class="primary" onClick={close}>
                Done
              </button>
            </div>
          </div>
        </Show>
      </div>
    </article>
  )
}
