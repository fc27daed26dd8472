import { createSignal, Match, Show, Switch, type JSX } from 'solid-js'
import { ApiError, upload } from '../../lib/api'

type Phase =
  | { kind: 'idle' }
  | { kind: 'uploading'; fraction: number }
  | { kind: 'processing' }
  | { kind: 'done'; message: string }
  | { kind: 'failed'; message: string; line?: number }

/** Which request a chosen file becomes, or why it cannot be imported. */
export type ImportTarget =
  { ok: true; path: string; format: string } | { ok: false; reason: string }

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`
  return `${(n / 1024 / 1024).toFixed(1)} MB`
}

/**
 * One file import: choose a file, upload it with a progress bar, then the server's answer. The
 * server checks the whole file before it writes anything, so an error means nothing changed; its
 * "line N: ..." message is shown as sent.
 */
export function ImportPanel<R>(props: {
  /** Prefix for element ids and test ids, e.g. `items`. */
  name: string
  accept: string
  buttonLabel: string
  target: (file: File) => ImportTarget
  describe: (result: R) => string
  onImported: (result: R) => void
  children?: JSX.Element
}) {
  const [file, setFile] = createSignal<File>()
  const [phase, setPhase] = createSignal<Phase>({ kind: 'idle' })
  let input: HTMLInputElement | undefined
  const target = () => {
    const f = file()
    return f ? props.target(f) : undefined
  }
  const busy = () => phase().kind === 'uploading' || phase().kind === 'processing'
  const inputId = `${props.name}-file`

  const start = async (e: Event) => {
    e.preventDefault()
    const f = file()
    const t = target()
    if (!f || !t) {
      setPhase({ kind: 'failed', message: 'Choose a file first.' })
      input?.focus()
      return
    }
    if (!t.ok) {
      setPhase({ kind: 'failed', message: t.reason })
      return
    }
    setPhase({ kind: 'uploading', fraction: 0 })
    try {
      const result = await upload<R>(t.path, f, (fraction) => {
        // Once the last byte is sent the server is still reading and checking the file.
        setPhase(fraction >= 1 ? { kind: 'processing' } : { kind: 'uploading', fraction })
      })
      setPhase({ kind: 'done', message: props.describe(result) })
      setFile(undefined)
      if (input) input.value = ''
      props.onImported(result)
    } catch (err) {
      const message =
        err instanceof ApiError ? err.message : 'The upload failed; check the connection.'
      const line = /^line (\d+):/.exec(message)?.[1]
      setPhase({ kind: 'failed', message, ...(line ? { line: Number(line) } : {}) })
    }
  }

  const percent = () => {
    const p = phase()
    return p.kind === 'uploading' ? Math.round(p.fraction * 100) : 100
  }

  return (
    <form class="import-panel" onSubmit={start} aria-label={props.buttonLabel}>
      {props.children}
      <div class="field">
        <label for={inputId}>File</label>
        <div class="file-row">
          <input
            ref={input}
            id={inputId}
            type="file"
            accept={props.accept}
            data-testid={`${props.name}-file`}
            disabled={busy()}
            aria-describedby={`${inputId}-info`}
            onChange={(e) => {
              setFile(e.currentTarget.files?.[0])
              setPhase({ kind: 'idle' })
            }}
          />
          <button class="primary" type="submit" disabled={busy() || !file()}>
            {busy() ? 'Importing…' : props.buttonLabel}
          </button>
        </div>
        <p class="hint" id={`${inputId}-info`}>
          <Show when={file()} fallback={`Accepted: ${props.accept.split(',').join(', ')}`}>
            {(f) => (
              <>
                {f().name} · {formatBytes(f().size)} ·{' '}
                <Show when={target()} keyed>
                  {(t) => (t.ok ? `read as ${t.format}` : <span class="error">{t.reason}</span>)}
                </Show>
              </>
            )}
          </Show>
        </p>
      </div>

      <div aria-live="polite" class="import-status">
        <Switch>
          <Match when={phase().kind === 'uploading' || phase().kind === 'processing'}>
            <div class="upload">
              <div
                class="progress"
                role="progressbar"
                aria-label="Upload progress"
                aria-valuemin={0}
                aria-valuemax={100}
                aria-valuenow={percent()}
                data-testid={`${props.name}-progress`}
              >
                <div style={{ width: `${percent()}%` }} />
              </div>
              <span class="muted">
                {phase().kind === 'uploading'
                  ? `Uploading… ${percent()}%`
                  : 'Uploaded; the server is checking and saving the file…'}
              </span>
            </div>
          </Match>
          <Match when={phase().kind === 'done' && (phase() as { message: string })}>
            {(p) => (
              <p class="notice ok" role="status" data-testid={`${props.name}-result`}>
                <span aria-hidden="true">✓ </span>
                {p().message}
              </p>
            )}
          </Match>
        </Switch>
      </div>
      <Show when={phase().kind === 'failed' && (phase() as Extract<Phase, { kind: 'failed' }>)}>
        {(p) => (
          <div class="notice bad" role="alert" data-testid={`${props.name}-error`}>
            <p class="notice-title">
              {p().line !== undefined
                ? 'Nothing was imported: the file has an error'
                : 'Nothing was imported'}
            </p>
            <p class="server-message">{p().message}</p>
            <Show when={p().line !== undefined}>
              <p class="muted">
                The server checks the whole file before it saves anything. Fix line {p().line} (line
                1 is the header) and import the file again.
              </p>
            </Show>
          </div>
        )}
      </Show>
    </form>
  )
}
