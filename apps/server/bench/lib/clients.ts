// Official clients in the bench process: y-websocket's WebsocketProvider (Concord and the reference
// server) or @hocuspocus/provider, BroadcastChannel off so that peers only sync via the server.
import { HocuspocusProvider } from '@hocuspocus/provider'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import type { ServerKind } from './servers'

export interface BenchClient {
  readonly doc: Y.Doc
  readonly synced: Promise<void>
  /** Resolves once the server has no unsent bytes of ours queued in the socket. */
  flushed(): Promise<void>
  destroy(): void
}

export function openClient(
  kind: ServerKind,
  wsUrl: string,
  room: string,
  token: string | undefined,
  timeoutMs = 30_000,
): BenchClient {
  const doc = new Y.Doc()
  let synced!: () => void
  let failed!: (e: Error) => void
  const syncedP = new Promise<void>((res, rej) => {
    synced = res
    failed = rej
  })
  const timer = setTimeout(
    () => failed(new Error(`${room}: not synced in ${timeoutMs} ms`)),
    timeoutMs,
  )
  syncedP.then(
    () => clearTimeout(timer),
    () => undefined,
  )
  if (kind === 'hocuspocus') {
    // The provider hands its whole configuration to the socket it creates, WebSocketPolyfill
    // included (Node 20 has no global WebSocket), though its typings only list url and name.
    const config = {
      url: wsUrl,
      name: room,
      document: doc,
      WebSocketPolyfill: WebSocket,
      onSynced: ({ state }: { state: boolean }) => {
        if (state) synced()
      },
    }
    const provider = new HocuspocusProvider(config)
    return {
      doc,
      synced: syncedP,
      flushed: () => waitDrained(() => provider.configuration.websocketProvider.webSocket),
      destroy: () => {
        clearTimeout(timer)
        provider.destroy()
        doc.destroy()
      },
    }
  }
  const provider = new WebsocketProvider(wsUrl, room, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    params: token ? { token } : {},
    disableBc: true,
  })
  provider.on('sync', (s: boolean) => {
    if (s) synced()
  })
  return {
    doc,
    synced: syncedP,
    flushed: () => waitDrained(() => provider.ws),
    destroy: () => {
      clearTimeout(timer)
      provider.destroy()
      doc.destroy()
    },
  }
}

async function waitDrained(socket: () => unknown): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const ws = socket() as { bufferedAmount?: number } | null | undefined
    if (!ws || !ws.bufferedAmount) return
    await new Promise((r) => setTimeout(r, 10))
  }
}
