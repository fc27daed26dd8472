import { createSignal, Show } from 'solid-js'
import type * as Y from 'yjs'
import { Link } from '../../lib/router'
import { CommitInput, EditToggle, onEscape, SelectField, type Choice } from './controls'
import { Markdown } from './Markdown'
import { createYMapFields, createYTextValue, ensureText } from './y-signals'
import { YTextArea } from './YTextArea'

/** An ambiguous example: the item, the label decided for it and why. */
export function ExampleItem(props: {
  map: Y.Map<unknown>
  slug: string
  projectId: string
  canEdit: boolean
  labelChoices: Choice[]
  labelName: (id: string) => string
  startEditing?: boolean
  onRemove: () => void
}) {
  const map = props.map
  const fields = createYMapFields(map)
  const itemId = () => fields.string('itemId')
  const label = () => fields.string('label')
  const addedAt = () => fields.number('addedAt', 0)
  const rationale = createYTextValue(() => fields.get('rationale'))
  const [editing, setEditing] = createSignal(false)
  let toggle: HTMLButtonElement | undefined
  const open = (): void => {
    map.doc?.transact(() => ensureText(map, 'rationale'))
    setEditing(true)
  }
  const close = (): void => {
    setEditing(false)
    toggle?.focus()
  }
  if (props.startEditing && props.canEdit) open()
  const itemHref = () =>
    `/p/${encodeURIComponent(props.projectId)}/annotate?item=${encodeURIComponent(itemId())}`

  return (
    <article
      id={props.slug}
      class="bk-example"
      classList={{ editing: editing() }}
      data-testid="example"
    >
      <div class="bk-example-head">
        <Link href={itemHref()} class="bk-item-link" title="Open this item">
          Item <span class="bk-item-id">{itemId()}</span>
        </Link>
        <span class="bk-arrow" aria-hidden="true">
          →
        </span>
        <span class="sr-only">decided as</span>
        <a class="bk-chip" href={`#label-${label()}`} title="Go to this label's section">
          {props.labelName(label())}
        </a>
        <Show when={addedAt() > 0}>
          <span class="bk-meta">
            added {new Date(addedAt()).toLocaleDateString(undefined, { dateStyle: 'medium' })}
          </span>
        </Show>
        <Show when={props.canEdit}>
          <EditToggle
            editing={editing()}
            onToggle={() => (editing() ? close() : open())}
            what={`the example of item ${itemId()}`}
            controls={`${props.slug}-body`}
            ref={(el) => (toggle = el)}
          />
        </Show>
      </div>
      <div id={`${props.slug}-body`}>
        <Show
          when={editing() && props.canEdit}
          fallback={<Markdown text={rationale()} placeholder="No rationale written yet." />}
        >
          <div class="bk-editor" onKeyDown={onEscape(close)}>
            <div class="bk-field-row">
              <CommitInput
                id={`${props.slug}-item`}
                label="Item id"
                value={itemId()}
                required
                onCommit={(value) => map.set('itemId', value)}
              />
              <SelectField
                id={`${props.slug}-label`}
                label="Decided label"
                value={label()}
                choices={props.labelChoices}
                onChange={(value) => map.set('label', value)}
              />
            </div>
            <YTextArea
              text={fields.text('rationale')}
              id={`${props.slug}-rationale`}
              label="Rationale"
              autofocus
              hint="Why this label: the rule it follows, or the rule it clarifies."
            />
            <div class="bk-editor-actions">
              <button
                type="button"
                class="bk-danger"
                onClick={() => {
                  if (window.confirm(`Remove the example of item ${itemId()}?`)) props.onRemove()
                }}
              >
                Remove example
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
