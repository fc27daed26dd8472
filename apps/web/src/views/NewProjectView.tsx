import { createMemo, createSignal, Show } from 'solid-js'
import { createStore } from 'solid-js/store'
import { Header } from '../components/Header'
import { api, type ProjectSummary } from '../lib/api'
import { Link, navigate } from '../lib/router'
import { user } from '../lib/session'
import './admin.css'
import {
  Checkbox,
  control,
  ErrorSummary,
  Field,
  fieldId,
  focusFirstInvalid,
  formFailure,
  type FieldErrors,
  withoutPath,
} from './admin/form'
import { LabelEditor } from './admin/LabelEditor'
import {
  checkCreate,
  createBody,
  emptyProjectDraft,
  projectFieldLabel,
  type ProjectDraft,
  type SettingsDraft,
} from './admin/project-draft'
import { ProjectFields } from './admin/ProjectFields'

/** /new-project: a global admin creates a project with its label schema, then lands on its settings. */
export default function NewProjectView() {
  return (
    <>
      <Header />
      <main class="page admin">
        <Show
          when={user()?.isAdmin}
          fallback={
            <div class="card">
              <h1>New project</h1>
              <p>Only administrators create projects. Ask one to create it and add you.</p>
              <Link href="/">Back to projects</Link>
            </div>
          }
        >
          <NewProjectForm />
        </Show>
      </main>
    </>
  )
}

function NewProjectForm() {
  const [draft, setDraft] = createStore<ProjectDraft>(emptyProjectDraft())
  const [submitted, setSubmitted] = createSignal(false)
  const [busy, setBusy] = createSignal(false)
  const [serverErrors, setServerErrors] = createSignal<FieldErrors>({})
  const [serverMessage, setServerMessage] = createSignal<string>()
  let form: HTMLFormElement | undefined

  // Client checks run once the user has tried to submit, then follow every keystroke.
  const clientErrors = createMemo(() => (submitted() ? checkCreate(draft) : {}))
  const errors = createMemo<FieldErrors>(() => ({ ...serverErrors(), ...clientErrors() }))
  const hasErrors = () => Object.keys(errors()).length > 0 || !!serverMessage()

  const edited = (path: string) => setServerErrors((all) => withoutPath(all, path))
  const reshaped = () =>
    setServerErrors((all) =>
      Object.fromEntries(Object.entries(all).filter(([p]) => !p.startsWith('labelSchema.labels.'))),
    )

  const submit = async (e: Event) => {
    e.preventDefault()
    setSubmitted(true)
    setServerMessage(undefined)
    setServerErrors({})
    if (Object.keys(checkCreate(draft)).length > 0) {
      focusFirstInvalid(form)
      return
    }
    setBusy(true)
    try {
      const res = await api<{ project: ProjectSummary }>('POST', '/api/projects', createBody(draft))
      navigate(`/p/${encodeURIComponent(res.project.id)}/settings`)
    } catch (err) {
      const failure = formFailure(err)
      setServerErrors(failure.fields)
      setServerMessage(failure.message)
      focusFirstInvalid(form)
    } finally {
      setBusy(false)
    }
  }

  const setField = (key: 'id' | keyof SettingsDraft, value: string | boolean) => {
    setDraft(key, value as never)
    edited(key)
  }

  return (
    <form
      ref={form}
      class="admin-form"
      onSubmit={submit}
      novalidate
      aria-labelledby="new-project-title"
    >
      <div class="page-title">
        <div>
          <p class="crumbs">
            <Link href="/">Projects</Link> / New project
          </p>
          <h1 id="new-project-title">New project</h1>
        </div>
      </div>

      <Show when={submitted() && hasErrors()}>
        <ErrorSummary
          title="The project was not created"
          message={serverMessage()}
          fields={errors()}
          labels={projectFieldLabel}
        />
      </Show>

      <section class="admin-section" aria-labelledby="sec-about">
        <div class="section-intro">
          <h2 id="sec-about">About</h2>
          <p class="muted">What the project is called and how many people label each item.</p>
        </div>
        <div class="card">
          <ProjectFields
            draft={draft}
            errors={errors()}
            set={setField}
            afterName={
              <Field
                path="id"
                label="Project id"
                error={errors().id}
                hint="Optional. Letters, digits, _ and -; used in links. Left empty, one is generated."
                class="narrow"
              >
                <input
                  {...control('id', () => errors().id, true)}
                  name="id"
                  class="mono"
                  maxLength={64}
                  spellcheck={false}
                  autocapitalize="off"
                  autocomplete="off"
                  value={draft.id}
                  onInput={(e) => setField('id', e.currentTarget.value)}
                />
              </Field>
            }
          />
        </div>
      </section>

      <section class="admin-section" aria-labelledby="sec-labels">
        <div class="section-intro">
          <h2 id="sec-labels">Label schema</h2>
          <p class="muted">
            The labels annotators choose from. Ids are what exports and label imports use; names are
            what annotators see.
          </p>
        </div>
        <div class="card">
          <fieldset class="choice" aria-describedby="kind-hint">
            <legend>Each item gets</legend>
            <div class="choice-options">
              <label class="radio">
                <input
                  type="radio"
                  name="kind"
                  id={fieldId('labelSchema.kind')}
                  value="single"
                  checked={draft.kind === 'single'}
                  onChange={() => setDraft('kind', 'single')}
                />
                One label
              </label>
              <label class="radio">
                <input
                  type="radio"
                  name="kind"
                  value="multi"
                  checked={draft.kind === 'multi'}
                  onChange={() => setDraft({ kind: 'multi', ordered: false })}
                />
                Any number of labels
              </label>
            </div>
            <p class="hint" id="kind-hint">
              Single-label items can use an ordinal scale; multi-label items cannot.
            </p>
          </fieldset>
          <Checkbox
            path="labelSchema.ordered"
            label="Ordinal scale"
            hint={
              draft.kind === 'multi'
                ? 'Only for single-label schemas.'
                : 'The labels are ordered, lowest first (e.g. 1 to 5 stars); agreement then counts near misses.'
            }
            checked={draft.kind === 'single' && draft.ordered}
            disabled={draft.kind === 'multi'}
            onChange={(v) => setDraft('ordered', v)}
          />
          <h3 class="subhead">Labels</h3>
          <LabelEditor
            draft={draft}
            setDraft={setDraft}
            errors={errors()}
            onReshape={reshaped}
            onEdit={edited}
          />
        </div>
      </section>

      <div class="form-actions">
        <button class="primary" type="submit" disabled={busy()}>
          {busy() ? 'Creating…' : 'Create project'}
        </button>
        <Link href="/">Cancel</Link>
      </div>
    </form>
  )
}
