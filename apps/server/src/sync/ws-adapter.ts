import type { IncomingMessage, Server } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import type { Logger } from '../logger'
import { CloseCode } from './close-codes'
import type { ConnectionInfo, SyncServer } from './sync-server'

export type Authorization =
  | { readonly ok: true; readonly info: ConnectionInfo }
  | { readonly ok: false; readonly code: number; readonly reason: string }

export interface SyncEndpointOptions {
  /** URL path prefix; the rest of the path is the room name. */
  readonly prefix: string
  readonly maxFrameBytes: number
  readonly authorize: (room: string, req: IncomingMessage, url: URL) => Promise<Authorization>
  readonly log: Logger
  readonly pingIntervalMs?: number
}

/**
 * Forwards WebSocket frames between `ws` and the transport-free SyncServer. Refusals complete the
 * upgrade and then close with a 44xx code before any document byte is sent: the official client
 * treats 4400-4499 as final and stops retrying, where an HTTP 401 would make it retry for ever.
 *
 * Every socket gets an 'error' listener before anything a peer sent is parsed: Node takes its
 * own off a socket it hands to 'upgrade', and `ws` re-emits the parser's refusals (an unmasked
 * frame, a length over `maxFrameBytes`, reserved bits or opcodes) as 'error' on the WebSocket,
 * refused or not. Unhandled, either would end the process.
 */
export function attachSyncEndpoint(
  http: Server,
  sync: SyncServer,
  opts: SyncEndpointOptions,
): { close(): void } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxFrameBytes })
  const alive = new WeakMap<WebSocket, boolean>()

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy())
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (!url.pathname.startsWith(opts.prefix)) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n')
      return
    }
    let room: string
    try {
      room = decodeURIComponent(url.pathname.slice(opts.prefix.length))
    } catch {
      room = ''
    }
    // Bytes the peer sends while authorization runs wait in the paused socket (TCP backpressure
    // bounds them) and reach the WebSocket parser only once its 'error' listener is on.
    const authorized = new Promise<Authorization>((resolve) =>
      resolve(opts.authorize(room, req, url)),
    )
    authorized
      .then(
        (auth) => {
          upgrade(req, socket, head, (ws) => {
            if (auth.ok) serve(ws, auth.info)
            else refuse(ws, room, auth.code, auth.reason)
          })
        },
        (err: unknown) => {
          opts.log.error('authorization failed', { error: String(err) })
          upgrade(req, socket, head, (ws) => refuse(ws, room, CloseCode.internalError, 'error'))
        },
      )
      .catch((err: unknown) => {
        opts.log.error('websocket upgrade failed', { room, error: String(err) })
        socket.destroy()
      })
  }

  /** Completes the handshake unless the peer left while it was being authorized. */
  const upgrade = (
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    then: (ws: WebSocket) => void,
  ): void => {
    if (socket.destroyed) return
    // `then` runs synchronously, before the socket's buffered bytes are parsed.
    wss.handleUpgrade(req, socket, head, then)
  }

  const refuse = (ws: WebSocket, room: string, code: number, reason: string): void => {
    ws.on('error', (err) => {
      opts.log.info('refused websocket sent a bad frame', { room, error: err.message })
      ws.terminate()
    })
    ws.close(code, closeReason(reason))
  }

  const serve = (ws: WebSocket, info: ConnectionInfo): void => {
    ws.binaryType = 'nodebuffer'
    alive.set(ws, true)
    const conn = sync.connect(
      {
        send: (frame) => {
          if (ws.readyState === ws.OPEN) ws.send(frame, { binary: true })
        },
        close: (code, reason) => ws.close(code, closeReason(reason)),
      },
      info,
    )
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (!isBinary) {
        conn.close(CloseCode.malformed, 'text frames are not part of the protocol')
        return
      }
      // binaryType 'nodebuffer': a Buffer is already a Uint8Array view; copying it is wasted work.
      const buf = Array.isArray(data)
        ? Buffer.concat(data)
        : data instanceof ArrayBuffer
          ? new Uint8Array(data)
          : data
      conn.receive(buf)
    })
    ws.on('pong', () => alive.set(ws, true))
    ws.on('close', () => conn.close())
    ws.on('error', (err) => {
      opts.log.warn('websocket error', { room: info.room, error: err.message })
      conn.close()
    })
  }

  // Peers that vanish without a close (a laptop lid) are found by missed pongs.
  const pinger = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate()
        continue
      }
      alive.set(ws, false)
      ws.ping()
    }
  }, opts.pingIntervalMs ?? 30_000)
  pinger.unref()

  http.on('upgrade', onUpgrade)
  return {
    close: () => {
      clearInterval(pinger)
      http.off('upgrade', onUpgrade)
      for (const ws of wss.clients) ws.close(CloseCode.goingAway, 'server shutting down')
      wss.close()
    },
  }
}

/**
 * A close frame's reason is at most 123 bytes of UTF-8, and `ws` throws on a longer one; reasons
 * quote room names and errors, which a peer chooses. Cut on a character boundary.
 */
export function closeReason(reason: string): string {
  if (Buffer.byteLength(reason) <= 123) return reason
  let cut = reason.slice(0, 123)
  while (Buffer.byteLength(cut) > 123) cut = cut.slice(0, -1)
  // A cut between the halves of a surrogate pair would leave a lone half.
  return cut.replace(/[\uD800-\uDBFF]$/, '')
}
