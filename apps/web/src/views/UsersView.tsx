import { createMemo, createResource, createSignal, For, Show, Suspense } from 'solid-js'
import { createStore } from 'solid-js/store'
import { Header } from '../components/Header'
import { api, ApiError, type User } from '../lib/api'
import { Link } from '../lib/router'
import { user } from '../lib/session'
import './admin.css'
import {
  Checkbox,
  control,
  ErrorSummary,
  Field,
  focusFirstInvalid,
  formFailure,
  type FieldErrors,
  withoutPath,
} from './admin/form'
import { ResetPasswordForm, UserActions } from './admin/UserActions'

/**
 * Mirrors the server's `userCreateSchema` (apps/server/src/repos/users.ts); the server also
 * refuses blank and common passwords, and says so.
 */
const USERNAME = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/
const MIN_PASSWORD_LENGTH = 8

interface UserDraft {
  username: string
  displayName: string
  password: string
  isAdmin: boolean
}

function checkUser(d: UserDraft): FieldErrors {
  const out: Record<string, string> = {}
  if (d.username === '') out.username = 'enter a username'
  else if (!USERNAME.test(d.username)) {
    out.username =
      'usernames use letters, digits, _ . @ - (at most 64, starting with a letter or digit)'
  }
  if (d.displayName.trim().length > 200) out.displayName = 'at most 200 characters'
  if (d.password.length < MIN_PASSWORD_LENGTH) {
    out.password = `passwords have at least ${MIN_PASSWORD_LENGTH} characters`
  } else if (d.password.length > 1024) out.password = 'at most 1024 characters'
  else if (d.password.trim() === '') out.password = 'a password cannot be only spaces'
  return out
}

const LABELS: Record<string, string> = {
  username: 'Username',
  displayName: 'Display name',
  password: 'Password',
  isAdmin: 'Administrator',
}

/**
 * /users: global admins list accounts, create them, disable and enable them, reset their
 * passwords and sign them out everywhere.
 */
export default function UsersView() {
  return (
    <>
      <Header />
      <main class="page admin">
        <div class="page-title">
          <div>
            <p class="crumbs">
              <Link href="/">Projects</Link> / Users
            </p>
            <h1>Users</h1>
          </div>
        </div>
        <Show
          when={user()?.isAdmin}
          fallback={
            <p class="notice bad" role="alert">
              Only administrators manage accounts.
            </p>
          }
        >
          <Suspense fallback={<p class="muted">Loading…</p>}>
            <UsersAdmin />
          </Suspense>
        </Show>
      </main>
    </>
  )
}

function UsersAdmin() {
  const [users, { mutate }] = createResource(() =>
    api<{ users: User[] }>('GET', '/api/users').then((r) => r.users),
  )
  const empty = (): UserDraft => ({ username: '', displayName: '', password: '', isAdmin: false })
  const [draft, setDraft] = createStore<UserDraft>(empty())
  const [submitted, setSubmitted] = createSignal(false)
  const [busy, setBusy] = createSignal(false)
  const [serverErrors, setServerErrors] = createSignal<FieldErrors>({})
  const [serverMessage, setServerMessage] = createSignal<string>()
  const [created, setCreated] = createSignal<string>()
  const [resetting, setResetting] = createSignal<User>()
  const [outcome, setOutcome] = createSignal<{ message: string; ok: boolean }>()
  let form: HTMLFormElement | undefined

  const replace = (changed: User) =>
    mutate((list) => (list ?? []).map((u) => (u.id === changed.id ? changed : u)))

  const clientErrors = createMemo(() => (submitted() ? checkUser(draft) : {}))
  const errors = createMemo<FieldErrors>(() => ({ ...serverErrors(), ...clientErrors() }))
  const err = (path: string) => () => errors()[path]

  const set = <K extends keyof UserDraft>(key: K, value: UserDraft[K]) => {
    setDraft(key, value as never)
    setCreated(undefined)
    setServerErrors((all) => withoutPath(all, key))
  }

  const submit = async (e: Event) => {
    e.preventDefault()
    setSubmitted(true)
    setServerErrors({})
    setServerMessage(undefined)
    setCreated(undefined)
    if (Object.keys(checkUser(draft)).length > 0) {
      focusFirstInvalid(form)
      return
    }
    setBusy(true)
    try {
      const res = await api<{ user: User }>('POST', '/api/users', {
        username: draft.username,
        ...(draft.displayName.trim() !== '' ? { displayName: draft.displayName.trim() } : {}),
        password: draft.password,
        isAdmin: draft.isAdmin,
      })
      mutate((list) =>
        [...(list ?? []), res.user].sort((a, b) => a.username.localeCompare(b.username)),
      )
      setDraft(empty())
      setSubmitted(false)
      setCreated(`Created ${res.user.username}. Add them to projects from each project's settings.`)
    } catch (error) {
      const failure = formFailure(error)
      // A taken username comes back as a conflict without a path: it belongs to the username.
      const fields =
        error instanceof ApiError && error.code === 'conflict' && !failure.fields.username
          ? { ...failure.fields, username: error.message }
          : failure.fields
      setServerErrors(fields)
      setServerMessage(failure.message)
      focusFirstInvalid(form)
    } finally {
      setBusy(false)
    }
  }

  return (
    <div class="users-layout">
      <section class="card" aria-labelledby="users-title">
        <h2 id="users-title">Accounts</h2>
        <Show when={users.error}>
          <p class="notice bad" role="alert">
            Could not load the users:{' '}
            {users.error instanceof ApiError ? users.error.message : 'no connection'}
          </p>
        </Show>
        <Show when={users.latest} fallback={<p class="muted">Loading…</p>}>
          {(list) => (
            <table class="table" aria-labelledby="users-title">
              <thead>
                <tr>
                  <th scope="col">Username</th>
                  <th scope="col">Name</th>
                  <th scope="col">Administrator</th>
                  <th scope="col">Status</th>
                  <th scope="col">
                    <span class="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                <For each={list()}>
                  {(u) => (
                    <tr data-testid="user-row">
                      <td class="mono">{u.username}</td>
                      <td>
                        {u.displayName}
                        <Show when={u.id === user()?.id}>
                          <span class="tag">you</span>
                        </Show>
                      </td>
                      <td>{u.isAdmin ? 'Yes' : <span class="muted">No</span>}</td>
                      <td data-testid="user-status">
                        {u.disabledAt != null ? <span class="tag">disabled</span> : 'Active'}
                      </td>
                      <td class="actions">
                        <UserActions
                          user={u}
                          isMe={u.id === user()?.id}
                          onChanged={replace}
                          onReset={(target) => {
                            setOutcome(undefined)
                            setResetting(target)
                          }}
                          onDone={(message, ok) => setOutcome({ message, ok })}
                        />
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          )}
        </Show>
        <Show when={resetting()} keyed>
          {(target) => (
            <ResetPasswordForm
              user={target}
              onClose={() => setResetting(undefined)}
              onDone={(message) => {
                setResetting(undefined)
                setOutcome({ message, ok: true })
              }}
            />
          )}
        </Show>
        <div aria-live="polite">
          <Show when={outcome()}>
            {(o) => (
              <p
                class={`notice ${o().ok ? 'ok' : 'bad'}`}
                role={o().ok ? 'status' : 'alert'}
                data-testid="account-outcome"
              >
                {o().message}
              </p>
            )}
          </Show>
        </div>
      </section>

      <section class="card" aria-labelledby="new-user-title">
        <h2 id="new-user-title">New user</h2>
        <form ref={form} onSubmit={submit} novalidate aria-labelledby="new-user-title">
          <Show when={submitted() && (Object.keys(errors()).length > 0 || serverMessage())}>
            <ErrorSummary
              title="The user was not created"
              message={serverMessage()}
              fields={errors()}
              labels={(p) => LABELS[p]}
            />
          </Show>
          <Field path="username" label="Username" error={errors().username} hint="Used to sign in.">
            <input
              {...control('username', err('username'), true)}
              autocomplete="off"
              spellcheck={false}
              autocapitalize="off"
              maxLength={64}
              value={draft.username}
              onInput={(e) => set('username', e.currentTarget.value)}
            />
          </Field>
          <Field
            path="displayName"
            label="Display name"
            error={errors().displayName}
            hint="Optional; shown to others. Defaults to the username."
          >
            <input
              {...control('displayName', err('displayName'), true)}
              autocomplete="off"
              maxLength={200}
              value={draft.displayName}
              onInput={(e) => set('displayName', e.currentTarget.value)}
            />
          </Field>
          <Field
            path="password"
            label="Password"
            error={errors().password}
            hint={`At least ${MIN_PASSWORD_LENGTH} characters. Pass it on privately.`}
          >
            <input
              {...control('password', err('password'), true)}
              type="password"
              autocomplete="new-password"
              value={draft.password}
              onInput={(e) => set('password', e.currentTarget.value)}
            />
          </Field>
          <Checkbox
            path="isAdmin"
            label="Administrator"
            hint="Creates projects and manages every project and account."
            checked={draft.isAdmin}
            onChange={(v) => set('isAdmin', v)}
          />
          <div class="form-actions">
            <button type="submit" class="primary" disabled={busy()}>
              {busy() ? 'Creating…' : 'Create user'}
            </button>
          </div>
          <div aria-live="polite">
            <Show when={created()}>
              <p class="notice ok" role="status">
                {created()}
              </p>
            </Show>
          </div>
        </form>
      </section>
    </div>
  )
}
