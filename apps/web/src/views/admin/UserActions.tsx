import { createSignal, Show } from 'solid-js'
import { api, ApiError, type User } from '../../lib/api'
import { control, Field, focusFirstInvalid, formFailure } from './form'

const MIN_PASSWORD_LENGTH = 8

function failure(err: unknown): string {
  return err instanceof ApiError ? err.message : 'Could not reach the server; try again.'
}

/**
 * The buttons of one account's row: disable or enable, reset its password, sign it out
 * everywhere. An administrator cannot disable their own account (the server refuses it too).
 */
export function UserActions(props: {
  user: User
  isMe: boolean
  onChanged: (user: User) => void
  onReset: (user: User) => void
  onDone: (message: string, ok: boolean) => void
}) {
  const [busy, setBusy] = createSignal(false)
  const disabled = () => props.user.disabledAt != null

  const run = async (work: () => Promise<string>) => {
    setBusy(true)
    try {
      props.onDone(await work(), true)
    } catch (err) {
      props.onDone(failure(err), false)
    } finally {
      setBusy(false)
    }
  }
  const id = () => encodeURIComponent(props.user.id)

  const toggle = () =>
    run(async () => {
      const res = await api<{ user: User }>('PATCH', `/api/users/${id()}`, {
        disabled: !disabled(),
      })
      props.onChanged(res.user)
      return res.user.disabledAt != null
        ? `Disabled ${res.user.username}: they are signed out and cannot sign in.`
        : `Enabled ${res.user.username}: they can sign in again.`
    })

  const revoke = () =>
    run(async () => {
      const res = await api<{ revoked: number }>('DELETE', `/api/users/${id()}/sessions`)
      const n = res.revoked
      return `Signed ${props.user.username} out everywhere (${n} ${n === 1 ? 'session' : 'sessions'} ended).`
    })

  return (
    <div class="row-actions user-actions">
      <Show when={!props.isMe}>
        <button type="button" disabled={busy()} onClick={() => void toggle()}>
          {disabled() ? 'Enable' : 'Disable'}
        </button>
      </Show>
      <button type="button" disabled={busy()} onClick={() => props.onReset(props.user)}>
        Reset password
      </button>
      <button type="button" disabled={busy()} onClick={() => void revoke()}>
        Sign out everywhere
      </button>
    </div>
  )
}

/** An administrator sets a new password for an account, which signs it out everywhere. */
export function ResetPasswordForm(props: {
  user: User
  onClose: () => void
  onDone: (message: string) => void
}) {
  const [password, setPassword] = createSignal('')
  const [error, setError] = createSignal<string>()
  const [busy, setBusy] = createSignal(false)
  let form: HTMLFormElement | undefined

  const submit = async (e: Event) => {
    e.preventDefault()
    setError(undefined)
    if (password().length < MIN_PASSWORD_LENGTH) {
      setError(`passwords have at least ${MIN_PASSWORD_LENGTH} characters`)
      focusFirstInvalid(form)
      return
    }
    setBusy(true)
    try {
      await api('POST', `/api/users/${encodeURIComponent(props.user.id)}/password`, {
        password: password(),
      })
      props.onDone(
        `Set a new password for ${props.user.username} and signed them out everywhere. Pass it on privately.`,
      )
    } catch (err) {
      const f = formFailure(err)
      setError(f.fields.password ?? f.message)
      focusFirstInvalid(form)
    } finally {
      setBusy(false)
    }
  }

  return (
    <form
      ref={form}
      class="reset-password"
      onSubmit={submit}
      novalidate
      aria-label={`Reset the password of ${props.user.username}`}
    >
      <Field
        path="resetPassword"
        label={`New password for ${props.user.username}`}
        error={error()}
        hint="At least 8 characters, not a common one. Their sessions end."
      >
        <input
          {...control('resetPassword', error, true)}
          type="password"
          autocomplete="new-password"
          value={password()}
          onInput={(e) => {
            setPassword(e.currentTarget.value)
            setError(undefined)
          }}
        />
      </Field>
      <div class="form-actions">
        <button type="submit" class="primary" disabled={busy()}>
          {busy() ? 'Setting…' : 'Set password'}
        </button>
        <button type="button" onClick={() => props.onClose()}>
          Cancel
        </button>
      </div>
    </form>
  )
}
