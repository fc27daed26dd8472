import { createSignal, Show } from 'solid-js'
import { Header } from '../components/Header'
import { api } from '../lib/api'
import { Link } from '../lib/router'
import { user } from '../lib/session'
import './admin.css'
import {
  control,
  ErrorSummary,
  Field,
  focusFirstInvalid,
  formFailure,
  type FieldErrors,
} from './admin/form'

const MIN_PASSWORD_LENGTH = 8

const LABELS: Record<string, string> = {
  currentPassword: 'Current password',
  newPassword: 'New password',
  confirmPassword: 'New password again',
}

/** /account: every signed-in user changes their own password here. */
export default function AccountView() {
  return (
    <>
      <Header />
      <main class="page admin">
        <div class="page-title">
          <div>
            <p class="crumbs">
              <Link href="/">Projects</Link> / Account
            </p>
            <h1>Your account</h1>
          </div>
        </div>
        <p class="muted">
          Signed in as <span class="mono">{user()?.username}</span>.
        </p>
        <PasswordChange />
      </main>
    </>
  )
}

function PasswordChange() {
  const [current, setCurrent] = createSignal('')
  const [next, setNext] = createSignal('')
  const [confirm, setConfirm] = createSignal('')
  const [errors, setErrors] = createSignal<FieldErrors>({})
  const [message, setMessage] = createSignal<string>()
  const [done, setDone] = createSignal(false)
  const [busy, setBusy] = createSignal(false)
  let form: HTMLFormElement | undefined
  const err = (path: string) => () => errors()[path]

  const check = (): FieldErrors => {
    const out: Record<string, string> = {}
    if (current() === '') out.currentPassword = 'enter your current password'
    if (next().length < MIN_PASSWORD_LENGTH) {
      out.newPassword = `passwords have at least ${MIN_PASSWORD_LENGTH} characters`
    } else if (next().trim() === '') out.newPassword = 'a password cannot be only spaces'
    if (confirm() !== next()) out.confirmPassword = 'the two new passwords differ'
    return out
  }

  const submit = async (e: Event) => {
    e.preventDefault()
    setDone(false)
    setMessage(undefined)
    const found = check()
    setErrors(found)
    if (Object.keys(found).length > 0) {
      focusFirstInvalid(form)
      return
    }
    setBusy(true)
    try {
      await api('POST', '/api/auth/password', { currentPassword: current(), newPassword: next() })
      setCurrent('')
      setNext('')
      setConfirm('')
      setDone(true)
    } catch (error) {
      const failure = formFailure(error)
      setErrors(failure.fields)
      setMessage(failure.message)
      focusFirstInvalid(form)
    } finally {
      setBusy(false)
    }
  }

  const field = (path: 'currentPassword' | 'newPassword' | 'confirmPassword') => ({
    value: { currentPassword: current, newPassword: next, confirmPassword: confirm }[path](),
    onInput: (e: InputEvent & { currentTarget: HTMLInputElement }) => {
      const set = { currentPassword: setCurrent, newPassword: setNext, confirmPassword: setConfirm }
      set[path](e.currentTarget.value)
      setDone(false)
    },
  })

  return (
    <section class="card account" aria-labelledby="password-title">
      <h2 id="password-title">Change password</h2>
      <form ref={form} onSubmit={submit} novalidate aria-labelledby="password-title">
        <Show when={Object.keys(errors()).length > 0 || message()}>
          <ErrorSummary
            title="The password was not changed"
            message={message()}
            fields={errors()}
            labels={(p) => LABELS[p]}
          />
        </Show>
        <Field
          path="currentPassword"
          label={LABELS.currentPassword!}
          error={errors().currentPassword}
        >
          <input
            {...control('currentPassword', err('currentPassword'))}
            type="password"
            autocomplete="current-password"
            {...field('currentPassword')}
          />
        </Field>
        <Field
          path="newPassword"
          label={LABELS.newPassword!}
          error={errors().newPassword}
          hint={`At least ${MIN_PASSWORD_LENGTH} characters, not one of the most common passwords.`}
        >
          <input
            {...control('newPassword', err('newPassword'), true)}
            type="password"
            autocomplete="new-password"
            {...field('newPassword')}
          />
        </Field>
        <Field
          path="confirmPassword"
          label={LABELS.confirmPassword!}
          error={errors().confirmPassword}
        >
          <input
            {...control('confirmPassword', err('confirmPassword'))}
            type="password"
            autocomplete="new-password"
            {...field('confirmPassword')}
          />
        </Field>
        <div class="form-actions">
          <button type="submit" class="primary" disabled={busy()}>
            {busy() ? 'Changing…' : 'Change password'}
          </button>
        </div>
        <div aria-live="polite">
          <Show when={done()}>
            <p class="notice ok" role="status">
              Your password is changed. Your other sessions are signed out; this one stays.
            </p>
          </Show>
        </div>
      </form>
    </section>
  )
}
