import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'

/** An official y-websocket client in Node, BroadcastChannel off so peers sync only via the server. */
export function connectProvider(
  wsUrl: string,
  room: string,
  token: string,
  doc: Y.Doc = new Y.Doc(),
  opts: { connect?: boolean } = {},
): WebsocketProvider {
  return new WebsocketProvider(wsUrl, room, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    params: { token },
    disableBc: true,
    connect: opts.connect ?? true,
    maxBackoffTime: 300,
  })
}

export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const start = Date.now()
  while (!(await predicate())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms: ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

export function waitSynced(provider: WebsocketProvider, timeoutMs = 10_000): Promise<void> {
  return waitFor(() => provider.synced, `provider synced to ${provider.roomname}`, timeoutMs)
}

export function labelsView(doc: Y.Doc): Record<string, unknown> {
  return doc.getMap('labels').toJSON()
}
