import { createSignal, Show } from 'solid-js'
import { ApiError } from '../lib/api'
import { signIn } from '../lib/session'

export function LoginView() {
  const [username, setUsername] = createSignal('')
  const [password, setPassword] = createSignal('')
  const [error, setError] = createSignal('')
  const [busy, setBusy] = createSignal(false)
  const submit = async (e: Event) => {
    e.preventDefault()
    setBusy(true)
    setError('')
    try {
      await signIn(username(), password())
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Could not reach the server')
    } finally {
      setBusy(false)
    }
  }
  return (
    <main class="page sign-in">
      <form class="card" onSubmit={submit} aria-label="Sign in">
        <h1>Concord</h1>
        <label for="username">Username</label>
        <input
          id="username"
          name="username"
          autocomplete="username"
          autofocus
          value={username()}
          onInput={(e) => setUsername(e.currentTarget.value)}
        />
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="current-password"
          value={password()}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
        <Show when={error()}>
          <p class="error" role="alert">
            {error()}
          </p>
        </Show>
        <p>
          <button class="primary" type="submit" disabled={busy() || !username() || !password()}>
            Sign in
          </button>
        </p>
      </form>
    </main>
  )
}
