import { createSignal, For, onCleanup } from 'solid-js'
import type { RoomHandle } from '../lib/room'

export interface PresenceState {
  user: { id: string; name: string; color: string }
  /** The item this person is on, or null. Never their label: blind mode holds for presence too. */
  item: string | null
  view: string
}

const COLORS = [
  '#2f5bd3',
  '#b42318',
  '#1d7a46',
  '#a05a00',
  '#7a3bd1',
  '#0e7490',
  '#be185d',
  '#4d7c0f',
]

export function colorFor(id: string): string {
  let h = 0
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0
  return COLORS[h % COLORS.length]!
}

/** Publishes my presence in the project's booklet room and returns who else is there. */
export function createPresence(room: RoomHandle, me: PresenceState['user']) {
  const awareness = room.provider.awareness
  const [others, setOthers] = createSignal<PresenceState[]>([])
  const refresh = (): void => {
    const seen = new Map<string, PresenceState>()
    for (const [clientId, state] of awareness.getStates()) {
      if (clientId === awareness.clientID) continue
      const p = state as Partial<PresenceState>
      if (!p.user || typeof p.user.id !== 'string' || p.user.id === me.id) continue
      seen.set(p.user.id, {
        user: { id: p.user.id, name: String(p.user.name ?? '?'), color: colorFor(p.user.id) },
        item: typeof p.item === 'string' ? p.item : null,
        view: typeof p.view === 'string' ? p.view : '',
      })
    }
    setOthers([...seen.values()].sort((a, b) => a.user.name.localeCompare(b.user.name)))
  }
  awareness.on('change', refresh)
  onCleanup(() => awareness.off('change', refresh))
  const set = (item: string | null, view: string): void => {
    awareness.setLocalState({ user: me, item, view } satisfies PresenceState)
  }
  return { others, set }
}

export function Avatars(props: { people: PresenceState[] }) {
  return (
    <div class="avatars" aria-label="Who is online" data-testid="presence">
      <For each={props.people}>
        {(p) => (
          <span
            class="avatar"
            style={{ background: p.user.color }}
            title={`${p.user.name}${p.item ? ` — on item ${p.item}` : ''}${p.view ? ` (${p.view})` : ''}`}
            data-user={p.user.id}
            data-item={p.item ?? ''}
          >
            {initials(p.user.name)}
          </span>
        )}
      </For>
    </div>
  )
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/)
  return ((parts[0]?.[0] ?? '?') + (parts[1]?.[0] ?? '')).toUpperCase()
}
