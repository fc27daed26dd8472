import { createMemo, createResource, createSignal, For, Show } from 'solid-js'
import { api, ApiError, type User } from '../../lib/api'
import { user as me } from '../../lib/session'
import { control, Field, ROLE_HINTS, ROLES, type Role } from './form'

export interface Member {
  userId: string
  username: string
  displayName: string
  role: Role
}

type Notice = { kind: 'ok' | 'bad'; text: string; undo?: () => void }

function message(err: unknown): string {
  return err instanceof ApiError ? err.message : 'Could not reach the server.'
}

/**
 * The members of a project: change a role (saved at once), remove (with undo), add a user by
 * username with a role. `version` changes when something else (a label import) adds members.
 */
export function MembersSection(props: { projectId: string; version: number }) {
  const base = () => `/api/projects/${encodeURIComponent(props.projectId)}/members`
  const [members, { mutate, refetch }] = createResource(
    () => [props.projectId, props.version] as const,
    () => api<{ members: Member[] }>('GET', base()).then((r) => r.members),
  )
  // Only global administrators may list accounts; others add members by user id.
  const [users] = createResource(() =>
    api<{ users: User[] }>('GET', '/api/users').then(
      (r) => r.users,
      () => undefined,
    ),
  )
  const [notice, setNotice] = createSignal<Notice>()
  const [username, setUsername] = createSignal('')
  const [role, setRole] = createSignal<Role>('annotator')
  const [addError, setAddError] = createSignal<string>()
  const [busy, setBusy] = createSignal(false)

  const candidates = createMemo(() => {
    const taken = new Set((members() ?? []).map((m) => m.userId))
    return (users() ?? []).filter((u) => !taken.has(u.id))
  })

  const put = async (userId: string, r: Role): Promise<Member> => {
    const res = await api<{ member: Member }>('PUT', `${base()}/${encodeURIComponent(userId)}`, {
      role: r,
    })
    return res.member
  }

  const upsert = (m: Member) =>
    mutate((list) => {
      const rest = (list ?? []).filter((x) => x.userId !== m.userId)
      return [...rest, m].sort((a, b) => a.username.localeCompare(b.username))
    })

  const changeRole = async (m: Member, r: Role, select: HTMLSelectElement) => {
    try {
      upsert(await put(m.userId, r))
      setNotice({ kind: 'ok', text: `${m.displayName} is now ${r}.` })
    } catch (err) {
      select.value = m.role
      setNotice({ kind: 'bad', text: `Could not change the role: ${message(err)}` })
    }
  }

  const remove = async (m: Member) => {
    try {
      await api('DELETE', `${base()}/${encodeURIComponent(m.userId)}`)
      mutate((list) => (list ?? []).filter((x) => x.userId !== m.userId))
      setNotice({
        kind: 'ok',
        text: `Removed ${m.displayName} from the project.`,
        undo: () => {
          void put(m.userId, m.role).then(
            (back) => {
              upsert(back)
              setNotice({ kind: 'ok', text: `${m.displayName} is back as ${m.role}.` })
            },
            (err) => setNotice({ kind: 'bad', text: `Could not undo: ${message(err)}` }),
          )
        },
      })
    } catch (err) {
      setNotice({ kind: 'bad', text: `Could not remove ${m.displayName}: ${message(err)}` })
      void refetch()
    }
  }

  const add = async (e: Event) => {
    e.preventDefault()
    setAddError(undefined)
    const name = username().trim()
    if (name === '') {
      setAddError('enter a username')
      return
    }
    const list = users()
    const found = list
      ? (list.find((u) => u.username === name) ??
        list.find((u) => u.username.toLowerCase() === name.toLowerCase()))
      : undefined
    if (list && !found) {
      setAddError(`no user named '${name}'; create the account on the Users page first`)
      return
    }
    const userId = found?.id ?? name
    const existing = members()?.find((m) => m.userId === userId)
    if (existing) {
      setAddError(
        `${existing.username} is already a member (${existing.role}); change the role in the table`,
      )
      return
    }
    setBusy(true)
    try {
      const m = await put(userId, role())
      upsert(m)
      setUsername('')
      setNotice({ kind: 'ok', text: `Added ${m.displayName} as ${m.role}.` })
    } catch (err) {
      setAddError(message(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <div class="members">
      <Show when={members.error}>
        <p class="notice bad" role="alert">
          Could not load the members: {message(members.error)}
        </p>
      </Show>
      <Show when={members.latest} fallback={<p class="muted">Loading members…</p>}>
        {(list) => (
          <table class="table" aria-label="Members">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Username</th>
                <th scope="col">Role</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              <For
                each={list()}
                fallback={
                  <tr>
                    <td colSpan={4} class="muted">
                      No members yet.
                    </td>
                  </tr>
                }
              >
                {(m) => (
                  <tr data-testid="member-row" data-username={m.username}>
                    <td>
                      {m.displayName}
                      <Show when={m.userId === me()?.id}>
                        <span class="tag">you</span>
                      </Show>
                    </td>
                    <td class="mono">{m.username}</td>
                    <td>
                      <label class="sr-only" for={`role-${m.userId}`}>
                        Role of {m.displayName}
                      </label>
                      <select
                        id={`role-${m.userId}`}
                        value={m.role}
                        onChange={(e) =>
                          void changeRole(m, e.currentTarget.value as Role, e.currentTarget)
                        }
                      >
                        <For each={ROLES}>
                          {(r) => (
                            <option value={r} selected={r === m.role}>
                              {r}
                            </option>
                          )}
                        </For>
                      </select>
                    </td>
                    <td class="actions">
                      <button
                        type="button"
                        class="danger-text"
                        aria-label={`Remove ${m.displayName}`}
                        onClick={() => void remove(m)}
                      >
                        Remove
                      </button>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        )}
      </Show>

      <div aria-live="polite">
        <Show when={notice()}>
          {(n) => (
            <p class={`notice ${n().kind}`} role={n().kind === 'bad' ? 'alert' : 'status'}>
              {n().text}
              <Show when={n().undo}>
                {(undo) => (
                  <>
                    {' '}
                    <button type="button" class="link" onClick={() => undo()()}>
                      Undo
                    </button>
                  </>
                )}
              </Show>
            </p>
          )}
        </Show>
      </div>

      <form class="add-member" onSubmit={add} aria-labelledby="add-member-title">
        <h3 id="add-member-title" class="subhead">
          Add a member
        </h3>
        <div class="inline-fields">
          <Field path="member.username" label={users() ? 'Username' : 'User id'} error={addError()}>
            <input
              {...control('member.username', addError)}
              list="member-candidates"
              autocomplete="off"
              spellcheck={false}
              autocapitalize="off"
              placeholder={users() ? 'Start typing a username' : 'u_…'}
              value={username()}
              onInput={(e) => {
                setUsername(e.currentTarget.value)
                setAddError(undefined)
              }}
            />
          </Field>
          <datalist id="member-candidates">
            <For each={candidates()}>
              {(u) => <option value={u.username}>{u.displayName}</option>}
            </For>
          </datalist>
          <Field path="member.role" label="Role" hint={ROLE_HINTS[role()]}>
            <select
              {...control('member.role', () => undefined, true)}
              value={role()}
              onChange={(e) => setRole(e.currentTarget.value as Role)}
            >
              {/* `selected` per option: a select's value set before its options exist is lost. */}
              <For each={ROLES}>
                {(r) => (
                  <option value={r} selected={r === role()}>
                    {r}
                  </option>
                )}
              </For>
            </select>
          </Field>
          <div class="field field-button">
            <button type="submit" class="primary" disabled={busy()}>
              Add member
            </button>
          </div>
        </div>
        <Show when={users() && candidates().length === 0 && members.latest}>
          <p class="hint">
            Every account is a member already. New accounts are made on the Users page.
          </p>
        </Show>
      </form>
    </div>
  )
}
