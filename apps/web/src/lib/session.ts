import { createSignal } from 'solid-js'
import { api, ApiError, type User } from './api'

const [user, setUser] = createSignal<User | null | undefined>(undefined)

/** The signed-in user: undefined while unknown, null when signed out. */
export { user }

export async function loadSession(): Promise<void> {
  try {
    const res = await api<{ user: User }>('GET', '/api/auth/me')
    setUser(res.user)
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) setUser(null)
    else throw err
  }
}

export async function signIn(username: string, password: string): Promise<void> {
  const res = await api<{ user: User }>('POST', '/api/auth/login', { username, password })
  setUser(res.user)
}

export async function signOut(): Promise<void> {
  await api('POST', '/api/auth/logout').catch(() => undefined)
  setUser(null)
}
