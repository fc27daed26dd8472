import { createSignal, For, Show, type JSX } from 'solid-js'
import type { Choice } from './controls'
import { today } from './controls'

/** A "+ Add …" button that opens a small inline form; the form's first field gets the focus. */
function AddPanel(props: {
  label: string
  testId?: string
  submitLabel: string
  canSubmit: boolean
  onSubmit: () => void
  children: JSX.Element
}) {
  const [open, setOpen] = createSignal(false)
  let button: HTMLButtonElement | undefined
  let form: HTMLFormElement | undefined
  const close = (): void => {
    setOpen(false)
    button?.focus()
  }
  return (
    <div class="bk-add">
      <Show
        when={open()}
        fallback={
          <button
            type="button"
            class="bk-add-button"
            ref={button}
            data-testid={props.testId}
            onClick={() => {
              setOpen(true)
              form?.querySelector<HTMLElement>('input, select, textarea')?.focus()
            }}
          >
            <span aria-hidden="true">+</span> {props.label}
          </button>
        }
      >
        <form
          ref={(el) => {
            form = el
            queueMicrotask(() => el.querySelector<HTMLElement>('input, select, textarea')?.focus())
          }}
          class="bk-add-form"
          aria-label={props.label}
          onKeyDown={(e) => {
            if (e.key === 'Escape') close()
          }}
          onSubmit={(e) => {
            e.preventDefault()
            if (!props.canSubmit) return
            props.onSubmit()
            setOpen(false)
          }}
        >
          <div class="bk-field-row">{props.children}</div>
          <div class="bk-editor-actions">
            <button type="button" onClick={close}>
              Cancel
            </button>
            <button type="submit" class="primary" disabled={!props.canSubmit}>
              {props.submitLabel}
            </button>
          </div>
        </form>
      </Show>
    </div>
  )
}

/** Adds the section of a schema label the booklet does not cover yet. */
export function AddLabelForm(props: { missing: Choice[]; onAdd: (id: string) => void }) {
  const [choice, setChoice] = createSignal('')
  const selected = () =>
    props.missing.some((c) => c.value === choice()) ? choice() : (props.missing[0]?.value ?? '')
  return (
    <Show
      when={props.missing.length > 0}
      fallback={<p class="hint">Every label of the project's schema has its section.</p>}
    >
      <AddPanel
        label="Add a label section"
        submitLabel="Add section"
        testId="add-label"
        canSubmit={selected() !== ''}
        onSubmit={() => props.onAdd(selected())}
      >
        <div class="field bk-grow">
          <label for="add-label-id">Label</label>
          <select
            id="add-label-id"
            value={selected()}
            onChange={(e) => setChoice(e.currentTarget.value)}
          >
            <For each={props.missing}>
              {(c) => (
                <option value={c.value} selected={c.value === selected()}>
                  {c.label}
                </option>
              )}
            </For>
          </select>
        </div>
      </AddPanel>
    </Show>
  )
}

/** Adds an ambiguous example; its rationale is written in the editor that opens next. */
export function AddExampleForm(props: {
  labels: Choice[]
  onAdd: (itemId: string, label: string) => void
}) {
  const [itemId, setItemId] = createSignal('')
  const [label, setLabel] = createSignal('')
  const selected = () =>
    props.labels.some((c) => c.value === label()) ? label() : (props.labels[0]?.value ?? '')
  return (
    <AddPanel
      label="Add an example"
      submitLabel="Add example"
      testId="add-example"
      canSubmit={itemId().trim() !== '' && selected() !== ''}
      onSubmit={() => {
        props.onAdd(itemId().trim(), selected())
        setItemId('')
      }}
    >
      <div class="field">
        <label for="add-example-item">Item id</label>
        <input
          id="add-example-item"
          value={itemId()}
          maxLength={500}
          placeholder="e.g. email-0042"
          onInput={(e) => setItemId(e.currentTarget.value)}
        />
      </div>
      <div class="field bk-grow">
        <label for="add-example-label">Decided label</label>
        <select
          id="add-example-label"
          value={selected()}
          onChange={(e) => setLabel(e.currentTarget.value)}
        >
          <For each={props.labels}>
            {(c) => (
              <option value={c.value} selected={c.value === selected()}>
                {c.label}
              </option>
            )}
          </For>
        </select>
      </div>
    </AddPanel>
  )
}

/** Adds the minutes of a discussion (today's, unless another date is picked). */
export function AddDiscussionForm(props: { onAdd: (date: string, title: string) => void }) {
  const [date, setDate] = createSignal(today())
  const [title, setTitle] = createSignal('')
  return (
    <AddPanel
      label="Add minutes of a discussion"
      submitLabel="Add minutes"
      testId="add-discussion"
      canSubmit={/^\d{4}-\d{2}-\d{2}$/.test(date()) && title().trim() !== ''}
      onSubmit={() => {
        props.onAdd(date(), title().replace(/\s+/g, ' ').trim())
        setTitle('')
        setDate(today())
      }}
    >
      <div class="field">
        <label for="add-discussion-date">Date</label>
        <input
          id="add-discussion-date"
          type="date"
          value={date()}
          onInput={(e) => setDate(e.currentTarget.value)}
        />
      </div>
      <div class="field bk-grow">
        <label for="add-discussion-title">Title</label>
        <input
          id="add-discussion-title"
          value={title()}
          maxLength={500}
          placeholder="e.g. Weekly review: newsletters"
          onInput={(e) => setTitle(e.currentTarget.value)}
        />
      </div>
    </AddPanel>
  )
}
