import { createMemo, createSignal, For, Show } from 'solid-js'
import { createStore, reconcile } from 'solid-js/store'
import { api, type ProjectSummary } from '../../lib/api'
import { ErrorSummary, focusFirstInvalid, formFailure, withoutPath, type FieldErrors } from './form'
import {
  checkUpdate,
  projectFieldLabel,
  settingsDraft,
  updateBody,
  type SettingsDraft,
} from './project-draft'
import { ProjectFields } from './ProjectFields'

/** Name, description, overlap and the switches of an existing project, saved with PATCH. */
export function ProjectSection(props: {
  project: ProjectSummary
  onSaved: (project: ProjectSummary) => void
}) {
  const [draft, setDraft] = createStore<SettingsDraft>(settingsDraft(props.project))
  const [submitted, setSubmitted] = createSignal(false)
  const [busy, setBusy] = createSignal(false)
  const [serverErrors, setServerErrors] = createSignal<FieldErrors>({})
  const [serverMessage, setServerMessage] = createSignal<string>()
  const [saved, setSaved] = createSignal(false)
  let form: HTMLFormElement | undefined

  const patch = createMemo(() => updateBody(draft, props.project))
  const dirty = () => Object.keys(patch()).length > 0
  const clientErrors = createMemo(() => (submitted() ? checkUpdate(draft, props.project) : {}))
  const errors = createMemo<FieldErrors>(() => ({ ...serverErrors(), ...clientErrors() }))

  const set = <K extends keyof SettingsDraft>(key: K, value: SettingsDraft[K]) => {
    setDraft(key, value as never)
    setSaved(false)
    setServerErrors((all) => withoutPath(all, key))
  }

  const submit = async (e: Event) => {
    e.preventDefault()
    setSubmitted(true)
    setServerErrors({})
    setServerMessage(undefined)
    if (Object.keys(checkUpdate(draft, props.project)).length > 0) {
      focusFirstInvalid(form)
      return
    }
    if (!dirty()) return
    setBusy(true)
    try {
      const res = await api<{ project: ProjectSummary }>(
        'PATCH',
        `/api/projects/${encodeURIComponent(props.project.id)}`,
        patch(),
      )
      props.onSaved(res.project)
      setDraft(reconcile(settingsDraft(res.project)))
      setSubmitted(false)
      setSaved(true)
    } catch (err) {
      const failure = formFailure(err)
      setServerErrors(failure.fields)
      setServerMessage(failure.message)
      focusFirstInvalid(form)
    } finally {
      setBusy(false)
    }
  }

  const schema = () => props.project.labelSchema
  return (
    <form ref={form} onSubmit={submit} novalidate aria-label="Project settings">
      <Show when={submitted() && (Object.keys(errors()).length > 0 || serverMessage())}>
        <ErrorSummary
          title="The settings were not saved"
          message={serverMessage()}
          fields={errors()}
          labels={projectFieldLabel}
        />
      </Show>
      <ProjectFields draft={draft} errors={errors()} set={set} />
      <div class="schema-summary">
        <h3 class="subhead">Label schema</h3>
        <p class="hint">
          {schema().kind === 'single' ? 'One label per item' : 'Any number of labels per item'}
          {schema().ordered ? ', ordinal scale (lowest first)' : ''}. Set when the project was
          created.
        </p>
        <ol class="chips" aria-label="Labels">
          <For each={schema().labels}>
            {(l) => (
              <li class="chip" title={l.description ?? ''}>
                {l.name} <span class="mono muted">{l.id}</span>
              </li>
            )}
          </For>
        </ol>
      </div>
      <div class="form-actions">
        <button type="submit" class="primary" disabled={busy() || !dirty()}>
          {busy() ? 'Saving…' : 'Save changes'}
        </button>
        <span class="muted" aria-live="polite" data-testid="project-save-status">
          {saved() ? 'Saved.' : dirty() ? 'Unsaved changes' : ''}
        </span>
      </div>
    </form>
  )
}
