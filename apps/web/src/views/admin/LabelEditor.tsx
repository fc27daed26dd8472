import { For } from 'solid-js'
import { produce, type SetStoreFunction } from 'solid-js/store'
import { control, FieldError, fieldId } from './form'
import { labelIdFromName, newLabelDraft, type LabelDraft, type ProjectDraft } from './project-draft'

const MAX_LABELS = 500

/**
 * The labels of a schema as an editable list: id, name and description per label; add, remove
 * and move with buttons (keyboard focus follows the moved label). Errors are addressed by index
 * like the server's (`labelSchema.labels.1.id`).
 */
export function LabelEditor(props: {
  draft: ProjectDraft
  setDraft: SetStoreFunction<ProjectDraft>
  errors: Readonly<Record<string, string>>
  /** Called when rows move or disappear, so errors addressed by index can be dropped. */
  onReshape: () => void
  onEdit: (path: string) => void
}) {
  const labels = () => props.draft.labels
  const path = (i: number, part: 'id' | 'name' | 'description') => `labelSchema.labels.${i}.${part}`
  const err = (i: () => number, part: 'id' | 'name' | 'description') => () =>
    props.errors[path(i(), part)]

  const focusLater = (id: string) =>
    queueMicrotask(() => document.getElementById(id)?.focus({ preventScroll: false }))

  const move = (from: number, to: number) => {
    if (to < 0 || to >= labels().length) return
    const key = labels()[from]!.key
    props.setDraft(
      'labels',
      produce((list) => {
        const [row] = list.splice(from, 1)
        list.splice(to, 0, row!)
      }),
    )
    props.onReshape()
    // Focus stays on the moved row's button, or on its twin once the row reaches an end.
    const up = to < from
    const atEnd = up ? to === 0 : to === labels().length - 1
    focusLater(`label-${up !== atEnd ? 'up' : 'down'}-${key}`)
  }

  const remove = (i: number) => {
    props.setDraft(
      'labels',
      produce((list) => void list.splice(i, 1)),
    )
    props.onReshape()
    const next = labels()[Math.min(i, labels().length - 1)]
    focusLater(
      next
        ? fieldId(path(Math.min(i, labels().length - 1), 'name'))
        : fieldId('labelSchema.labels'),
    )
  }

  const add = () => {
    const row = newLabelDraft()
    props.setDraft('labels', labels().length, row)
    props.onEdit('labelSchema.labels')
    focusLater(fieldId(path(labels().length - 1, 'name')))
  }

  return (
    <div class="label-editor">
      <div class="label-row label-head" aria-hidden="true">
        <span>#</span>
        <span>Name</span>
        <span>Id</span>
        <span>Description (optional)</span>
        <span />
      </div>
      <ol class="label-list" aria-label="Labels">
        <For each={labels()}>
          {(label, i) => {
            const n = () => i() + 1
            return (
              <li class="label-row" data-testid="label-row">
                <span class="label-index" aria-hidden="true">
                  {n()}
                </span>
                <div class="cell" classList={{ invalid: !!err(i, 'name')() }}>
                  <label class="sr-only" for={fieldId(path(i(), 'name'))}>
                    Label {n()} name
                  </label>
                  <input
                    {...control(() => path(i(), 'name'), err(i, 'name'))}
                    placeholder="Name, e.g. Positive"
                    maxLength={200}
                    value={label.name}
                    onInput={(e) => {
                      const name = e.currentTarget.value
                      props.setDraft('labels', i(), (l: LabelDraft) =>
                        l.idEdited ? { name } : { name, id: labelIdFromName(name) },
                      )
                      props.onEdit(path(i(), 'name'))
                      props.onEdit(path(i(), 'id'))
                    }}
                  />
                  <FieldError path={path(i(), 'name')} error={err(i, 'name')()} />
                </div>
                <div class="cell" classList={{ invalid: !!err(i, 'id')() }}>
                  <label class="sr-only" for={fieldId(path(i(), 'id'))}>
                    Label {n()} id
                  </label>
                  <input
                    {...control(() => path(i(), 'id'), err(i, 'id'))}
                    class="mono"
                    placeholder="id, e.g. pos"
                    maxLength={64}
                    spellcheck={false}
                    autocapitalize="off"
                    value={label.id}
                    onInput={(e) => {
                      const id = e.currentTarget.value
                      props.setDraft('labels', i(), { id, idEdited: id !== '' })
                      props.onEdit(path(i(), 'id'))
                    }}
                  />
                  <FieldError path={path(i(), 'id')} error={err(i, 'id')()} />
                </div>
                <div class="cell" classList={{ invalid: !!err(i, 'description')() }}>
                  <label class="sr-only" for={fieldId(path(i(), 'description'))}>
                    Label {n()} description
                  </label>
                  <input
                    {...control(() => path(i(), 'description'), err(i, 'description'))}
                    placeholder="When to use it"
                    value={label.description}
                    onInput={(e) => {
                      props.setDraft('labels', i(), 'description', e.currentTarget.value)
                      props.onEdit(path(i(), 'description'))
                    }}
                  />
                  <FieldError path={path(i(), 'description')} error={err(i, 'description')()} />
                </div>
                <div class="row-actions">
                  <button
                    type="button"
                    class="icon"
                    id={`label-up-${label.key}`}
                    aria-label={`Move label ${n()} up`}
                    title="Move up"
                    disabled={i() === 0}
                    onClick={() => move(i(), i() - 1)}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    class="icon"
                    id={`label-down-${label.key}`}
                    aria-label={`Move label ${n()} down`}
                    title="Move down"
                    disabled={i() === labels().length - 1}
                    onClick={() => move(i(), i() + 1)}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    class="icon danger"
                    aria-label={`Remove label ${n()}`}
                    title="Remove"
                    onClick={() => remove(i())}
                  >
                    ×
                  </button>
                </div>
              </li>
            )
          }}
        </For>
      </ol>
      <div class="label-foot">
        <button
          type="button"
          id={fieldId('labelSchema.labels')}
          aria-describedby={
            props.errors['labelSchema.labels']
              ? `${fieldId('labelSchema.labels')}-error`
              : undefined
          }
          onClick={add}
          disabled={labels().length >= MAX_LABELS}
        >
          + Add label
        </button>
        <span class="muted" aria-live="polite">
          {labels().length} {labels().length === 1 ? 'label' : 'labels'}
        </span>
      </div>
      <FieldError path="labelSchema.labels" error={props.errors['labelSchema.labels']} />
    </div>
  )
}
