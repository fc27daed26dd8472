import { createSignal, Show } from 'solid-js'
import {
  bumpIfDefinitionChanged,
  snapshotDefinition,
  type DefinitionSnapshot,
} from '../../lib/definition-version'
import { CommitInput, EditToggle, onEscape } from './controls'
import { Markdown } from './Markdown'
import { createYMapFields, createYTextValue, ensureText, type LabelEntry } from './y-signals'
import { YTextArea } from './YTextArea'

const TEXT_KEYS = ['definition', 'includes', 'excludes'] as const

/** One label's section: definition, what is included, what is not, and its version. */
export function LabelSection(props: {
  entry: LabelEntry
  canEdit: boolean
  exampleCount: number
  startEditing?: boolean
  onRemove: () => void
}) {
  const id = props.entry.id
  const map = props.entry.map
  const fields = createYMapFields(map)
  const name = () => fields.string('name') || id
  const version = () => fields.number('version', 1)
  const definition = createYTextValue(() => fields.get('definition'))
  const includes = createYTextValue(() => fields.get('includes'))
  const excludes = createYTextValue(() => fields.get('excludes'))
  const [editing, setEditing] = createSignal(false)
  let toggle: HTMLButtonElement | undefined
  let before: DefinitionSnapshot | undefined

  const open = (): void => {
    map.doc?.transact(() => TEXT_KEYS.forEach((key) => ensureText(map, key)))
    before = snapshotDefinition(map)
    setEditing(true)
  }
  const close = (): void => {
    if (before) bumpIfDefinitionChanged(map, before)
    before = undefined
    setEditing(false)
    toggle?.focus()
  }
  if (props.startEditing && props.canEdit) open()

  const slug = `label-${id}`
  return (
    <section
      id={slug}
      class="bk-section bk-label"
      classList={{ editing: editing() }}
      aria-labelledby={`${slug}-title`}
      data-testid={`label-section-${id}`}
    >
      <div class="bk-section-head">
        <h3 id={`${slug}-title`}>
          {name()} <code class="bk-label-id">{id}</code>
        </h3>
        <span
          class="bk-version"
          title="Version of this definition. It goes up when the meaning changes: labels made before may differ."
          data-testid="label-version"
        >
          v{version()}
        </span>
        <Show when={props.canEdit}>
          <EditToggle
            editing={editing()}
            onToggle={() => (editing() ? close() : open())}
            what={`the ${name()} section`}
            controls={`${slug}-body`}
            ref={(el) => (toggle = el)}
            testId="edit-toggle"
          />
        </Show>
      </div>
      <div id={`${slug}-body`} class="bk-section-body">
        <Show
          when={editing() && props.canEdit}
          fallback={
            <>
              <Markdown
                text={definition()}
                placeholder="No definition yet."
                class="bk-definition"
              />
              <Show when={includes().trim() !== ''}>
                <div class="bk-scope bk-includes">
                  <h4>Includes</h4>
                  <Markdown text={includes()} />
                </div>
              </Show>
              <Show when={excludes().trim() !== ''}>
                <div class="bk-scope bk-excludes">
                  <h4>Excludes</h4>
                  <Markdown text={excludes()} />
                </div>
              </Show>
              <Show when={props.exampleCount > 0}>
                <p class="bk-see-examples">
                  <a href={`#examples-${id}`}>
                    {props.exampleCount} ambiguous{' '}
                    {props.exampleCount === 1 ? 'example' : 'examples'} decided as {name()}
                  </a>
                </p>
              </Show>
            </>
          }
        >
          <div class="bk-editor" onKeyDown={onEscape(close)}>
            <CommitInput
              id={`${slug}-name`}
              label="Name"
              value={name()}
              required
              onCommit={(value) => map.set('name', value)}
            />
            <YTextArea
              text={fields.text('definition')}
              id={`${slug}-definition`}
              label="Definition"
              autofocus
              testId="definition-editor"
              hint="Markdown. Everyone sees your changes as you type."
            />
            <YTextArea
              text={fields.text('includes')}
              id={`${slug}-includes`}
              label="Includes"
              hint="Usually a list, one case per line starting with “- ”"
            />
            <YTextArea
              text={fields.text('excludes')}
              id={`${slug}-excludes`}
              label="Excludes"
              hint="Usually a list, naming the label that covers each case"
            />
            <div class="bk-version-row">
              <p class="hint">
                This is version {version()} of the definition. If your change alters what the label
                means (labels made before may now differ), raise the version.
              </p>
              <button
                type="button"
                onClick={() => map.set('version', version() + 1)}
                data-testid="bump-version"
              >
                Raise to v{version() + 1}
              </button>
            </div>
            <div class="bk-editor-actions">
              <button
                type="button"
                class="bk-danger"
                onClick={() => {
                  if (window.confirm(`Remove the section of “${name()}” from the booklet?`)) {
                    props.onRemove()
                  }
                }}
              >
                Remove section
              </button>
              <button type="button" class="primary" onClick={close}>
                Done
              </button>
            </div>
          </div>
        </Show>
      </div>
    </section>
  )
}
