import { createSignal, For, onCleanup, Show } from 'solid-js'
import { api, type ProjectSummary } from '../../lib/api'
import {
  percent,
  projectBase,
  uploadModel,
  type ModelSettings,
  type ModelsResponse,
  type ModelSummary,
  type QueueOrder,
  type SuggestionsVisibility,
} from './model-api'
import '../models.css'

/** How often the section asks again while a training is queued or running. */
const POLL_MS = 2000

const VISIBILITY: Array<{ id: SuggestionsVisibility; name: string; hint: string }> = [
  {
    id: 'auto',
    name: 'Automatic (default)',
    hint: 'Hidden from annotators while blind mode is on; reviewers and admins always see them.',
  },
  {
    id: 'hidden',
    name: 'Hidden',
    hint: 'Nobody sees suggestions; the model still orders the queue and finds likely mislabeled items.',
  },
  {
    id: 'reviewers',
    name: 'Reviewers only',
    hint: 'Reviewers and admins see suggestions; annotators never do, blind or not.',
  },
  {
    id: 'everyone',
    name: 'Everyone',
    hint: 'Annotators see them too: faster, but a suggestion pulls people towards it.',
  },
]

const QUEUE_ORDERS: Array<{ id: QueueOrder; name: string; hint: string }> = [
  {
    id: 'default',
    name: 'Closest to complete',
    hint: 'Items that need the fewest labels to be complete come first; no model involved.',
  },
  {
    id: 'least-confidence',
    name: 'Least confident',
    hint: 'Items whose most likely label the model is least sure of come first.',
  },
  {
    id: 'margin',
    name: 'Smallest margin',
    hint: 'Items where the model’s two most likely labels are closest come first.',
  },
  {
    id: 'entropy',
    name: 'Highest entropy',
    hint: 'Items where the model spreads its probability over the most labels come first.',
  },
  {
    id: 'random',
    name: 'Random',
    hint: 'A fixed random order: an unbiased sample, e.g. to measure the model honestly.',
  },
  {
    id: 'disagreement',
    name: 'Most disagreement',
    hint: 'Items whose annotators disagree most come first, to settle them sooner.',
  },
  {
    id: 'coverage',
    name: 'Coverage',
    hint: 'Items from the clusters with the fewest labels come first, so no kind of item is left out.',
  },
]

function manifestExample(project: ProjectSummary): string {
  return JSON.stringify(
    {
      name: 'My classifier',
      inputName: 'features',
      outputName: 'probabilities',
      inputKind: 'builtin-text',
      labels: project.labelSchema.labels.map((l) => l.id),
      output: 'probabilities',
    },
    null,
    2,
  )
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/**
 * Settings › Model: who sees suggestions, the queue order, when to retrain, training now, the
 * models (trained and uploaded) and uploading an ONNX classifier. Admins only (the parent
 * checks); the server refuses anyone else anyway.
 */
/** One setting as a list of radio options, each with a one-line explanation. */
function RadioChoice<T extends string>(props: {
  legend: string
  name: string
  options: ReadonlyArray<{ id: T; name: string; hint: string }>
  value: T
  disabled: boolean
  onChoose: (id: T) => void
}) {
  return (
    <fieldset class="choice">
      <legend>{props.legend}</legend>
      <div class="model-options">
        <For each={props.options}>
          {(o) => (
            <label class="model-option">
              <input
                type="radio"
                name={props.name}
                value={o.id}
                checked={props.value === o.id}
                disabled={props.disabled}
                onChange={() => props.onChoose(o.id)}
              />
              <span>
                <strong>{o.name}</strong>
                <span class="hint">{o.hint}</span>
              </span>
            </label>
          )}
        </For>
      </div>
    </fieldset>
  )
}

export function ModelSection(props: { project: ProjectSummary }) {
  const base = () => projectBase(props.project.id)
  const [data, setData] = createSignal<ModelsResponse>()
  const [loadError, setLoadError] = createSignal('')
  let timer: ReturnType<typeof setTimeout> | undefined
  let alive = true
  onCleanup(() => {
    alive = false
    clearTimeout(timer)
  })

  const load = async (): Promise<void> => {
    clearTimeout(timer)
    try {
      const res = await api<ModelsResponse>('GET', `${base()}/models`)
      if (!alive) return
      setData(res)
      setLoadError('')
      if (res.training.state !== 'idle') timer = setTimeout(() => void load(), POLL_MS)
    } catch (err) {
      if (alive) setLoadError(message(err))
    }
  }
  void load()

  // Settings: each change saves at once (one field per request), like a switch would.
  const [saving, setSaving] = createSignal(false)
  const [saveError, setSaveError] = createSignal('')
  const [saved, setSaved] = createSignal('')
  const save = async (patch: Partial<ModelSettings>, what: string): Promise<boolean> => {
    setSaving(true)
    setSaveError('')
    setSaved('')
    try {
      const settings = await api<ModelSettings>('PATCH', `${base()}/models/settings`, patch)
      setData((d) => (d ? { ...d, settings } : d))
      setSaved(`${what} saved.`)
      // Pinning a model changes which one is active in the list.
      if (patch.activeModel !== undefined) void load()
      return true
    } catch (err) {
      setSaveError(message(err))
      return false
    } finally {
      setSaving(false)
    }
  }

  const [retrainDraft, setRetrainDraft] = createSignal<string>()
  const retrainValue = () => retrainDraft() ?? String(data()?.settings.retrainEvery ?? '')

  const [trainError, setTrainError] = createSignal('')
  const train = async (): Promise<void> => {
    setTrainError('')
    try {
      await api('POST', `${base()}/models/train`)
      await load()
    } catch (err) {
      setTrainError(message(err))
    }
  }

  return (
    <div class="model-section" data-testid="model-section">
      <Show when={loadError()}>
        <p class="notice bad" role="alert">
          Could not load the models: {loadError()}
        </p>
      </Show>
      <Show when={data()} fallback={<p class="muted">Loading…</p>}>
        {(d) => (
          <>
            <RadioChoice
              legend="Who sees the model's suggestions"
              name="suggestions"
              options={VISIBILITY}
              value={d().settings.suggestions}
              disabled={saving()}
              onChoose={(id) => void save({ suggestions: id }, 'Suggestions visibility')}
            />
            <RadioChoice
              legend="Queue order"
              name="queue-order"
              options={QUEUE_ORDERS}
              value={d().settings.queueOrder}
              disabled={saving()}
              onChoose={(id) => void save({ queueOrder: id }, 'Queue order')}
            />

            <form
              class="field narrow"
              onSubmit={(e) => {
                e.preventDefault()
                const n = Number(retrainValue())
                if (!Number.isInteger(n) || n < 1) {
                  setSaveError('The retrain threshold must be a whole number from 1.')
                  return
                }
                void save({ retrainEvery: n }, 'Retrain threshold').then(
                  (ok) => ok && setRetrainDraft(undefined),
                )
              }}
            >
              <label for="retrain-every">Retrain after this many new consensus labels</label>
              <div class="model-inline">
                <input
                  id="retrain-every"
                  type="number"
                  min="1"
                  step="1"
                  value={retrainValue()}
                  onInput={(e) => setRetrainDraft(e.currentTarget.value)}
                />
                <button type="submit" disabled={saving() || retrainDraft() === undefined}>
                  Save
                </button>
              </div>
              <p class="hint">
                A new model is trained in the background once the consensus labels have grown by
                this much since the last one.
              </p>
            </form>
            <p class="muted" aria-live="polite" data-testid="model-save-status">
              {saved()}
            </p>
            <Show when={saveError()}>
              <div class="notice bad" role="alert">
                <p class="notice-title">Not saved</p>
                <p class="server-message">{saveError()}</p>
              </div>
            </Show>

            <h3 class="subhead">Training</h3>
            <div class="model-inline">
              <button
                type="button"
                class="primary"
                data-testid="train-now"
                disabled={d().training.state !== 'idle'}
                onClick={() => void train()}
              >
                Train now
              </button>
              <span class="muted" role="status" data-testid="training-state">
                {d().training.state === 'idle'
                  ? 'Idle.'
                  : `${d().training.state === 'queued' ? 'Queued' : 'Running'}${d().training.step ? `: ${d().training.step}` : ''}${d().training.reason ? ` (${d().training.reason})` : ''}…`}
              </span>
            </div>
            <Show when={trainError() || d().training.lastError}>
              <div class="notice bad" role="alert">
                <p class="notice-title">
                  {trainError() ? 'Training was refused' : 'The last training failed'}
                </p>
                <p class="server-message">{trainError() || d().training.lastError}</p>
              </div>
            </Show>

            <h3 class="subhead">Models</h3>
            <ModelList
              models={d().models}
              pinned={d().settings.activeModel}
              busy={saving()}
              onPin={(id) => void save({ activeModel: id }, id ? 'Active model' : 'Follow newest')}
            />

            <h3 class="subhead">Upload a model</h3>
            <UploadForm project={props.project} onUploaded={() => void load()} />
          </>
        )}
      </Show>
    </div>
  )
}

function ModelList(props: {
  models: ModelSummary[]
  pinned: string | null
  busy: boolean
  onPin: (id: string | null) => void
}) {
  return (
    <Show
      when={props.models.length > 0}
      fallback={
        <p class="muted">
          No model yet. Train one once a few items have consensus labels of at least two labels.
        </p>
      }
    >
      <table class="table model-table" data-testid="model-list">
        <thead>
          <tr>
            <th>Version</th>
            <th>Kind</th>
            <th>Trained on</th>
            <th title="Cross-validated accuracy, against always answering the most common label">
              Accuracy (vs majority)
            </th>
            <th title="Cross-validated macro-averaged F1">Macro-F1</th>
            <th>Active</th>
          </tr>
        </thead>
        <tbody>
          <For each={props.models}>
            {(m) => (
              <tr data-model={m.id} classList={{ 'model-active': m.active }}>
                <td>
                  v{m.version} <span class="muted">{m.name}</span>
                </td>
                <td>{m.kind}</td>
                <td>
                  {m.kind === 'trained'
                    ? `${(m.cv?.trainedOn ?? m.labelsCount).toLocaleString()} labels`
                    : '—'}
                </td>
                <td>
                  <Show when={m.cv} fallback="—">
                    {(cv) => (
                      <span
                        classList={{ 'model-weak': cv().accuracy <= cv().majorityRate }}
                        title={
                          cv().accuracy <= cv().majorityRate
                            ? 'No better than always answering the most common label'
                            : `${cv().folds}-fold cross-validation`
                        }
                      >
                        {percent(cv().accuracy, 1)}{' '}
                        <span class="muted">(vs {percent(cv().majorityRate, 1)})</span>
                      </span>
                    )}
                  </Show>
                </td>
                <td>{m.cv ? m.cv.macroF1.toFixed(3) : '—'}</td>
                <td>
                  <Show
                    when={m.active}
                    fallback={
                      <>
                        <Show when={m.status === 'failed'}>
                          <span class="model-weak" title={m.error}>
                            failed
                          </span>{' '}
                        </Show>
                        <Show when={m.status === 'pending'}>
                          <span class="muted">checking</span>{' '}
                        </Show>
                        <button
                          type="button"
                          disabled={props.busy}
                          onClick={() => props.onPin(m.id)}
                        >
                          {m.status === 'failed' ? 'Try again' : 'Use this one'}
                        </button>
                      </>
                    }
                  >
                    <strong>active</strong>{' '}
                    <Show
                      when={props.pinned === m.id}
                      fallback={<span class="muted">(newest)</span>}
                    >
                      <button
                        type="button"
                        class="link"
                        disabled={props.busy}
                        onClick={() => props.onPin(null)}
                      >
                        follow the newest
                      </button>
                    </Show>
                  </Show>
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </Show>
  )
}

function UploadForm(props: { project: ProjectSummary; onUploaded: () => void }) {
  const [file, setFile] = createSignal<File>()
  const [manifest, setManifest] = createSignal(manifestExample(props.project))
  const [progress, setProgress] = createSignal<number>()
  const [error, setError] = createSignal('')
  const [done, setDone] = createSignal('')
  let fileInput: HTMLInputElement | undefined

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault()
    const f = file()
    setError('')
    setDone('')
    if (!f) {
      setError('Choose the .onnx file first.')
      return
    }
    setProgress(0)
    try {
      const model = await uploadModel(props.project.id, f, manifest(), setProgress)
      setDone(`Uploaded as v${model.version}; predictions for every item follow shortly.`)
      setFile(undefined)
      if (fileInput) fileInput.value = ''
      props.onUploaded()
    } catch (err) {
      // The server says exactly what does not fit (input width, label count, ...): verbatim.
      setError(message(err))
    } finally {
      setProgress(undefined)
    }
  }

  return (
    <form class="model-upload" onSubmit={(e) => void submit(e)} data-testid="model-upload">
      <div class="field">
        <label for="model-file">ONNX file</label>
        <input
          id="model-file"
          ref={fileInput}
          type="file"
          accept=".onnx"
          onChange={(e) => setFile(e.currentTarget.files?.[0])}
        />
      </div>
      <div class="field">
        <label for="model-manifest">Manifest (JSON)</label>
        <textarea
          id="model-manifest"
          rows={9}
          spellcheck={false}
          class="mono"
          value={manifest()}
          onInput={(e) => setManifest(e.currentTarget.value)}
        />
        <p class="hint">
          <code>labels</code> lists the project's label ids in the order of the model's outputs;{' '}
          <code>inputKind</code> is <code>builtin-text</code> (the project's built-in text
          features), <code>embedding</code> (imported embeddings) or <code>image</code>;{' '}
          <code>output</code> is <code>probabilities</code> or <code>logits</code>.
        </p>
      </div>
      <div class="form-actions">
        <button type="submit" class="primary" disabled={progress() !== undefined}>
          {progress() !== undefined ? `Uploading… ${percent(progress()!)}` : 'Upload model'}
        </button>
        <span class="muted" aria-live="polite">
          {done()}
        </span>
      </div>
      <Show when={error()}>
        <div class="notice bad" role="alert" data-testid="model-upload-error">
          <p class="notice-title">The model was refused</p>
          <p class="server-message">{error()}</p>
        </div>
      </Show>
    </form>
  )
}
