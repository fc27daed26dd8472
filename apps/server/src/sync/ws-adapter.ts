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
 */
export function attachSyncEndpoint(
  http: Server,
  sync: SyncServer,
  opts: SyncEndpointOptions,
): { close(): void } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxFrameBytes })
  const alive = new WeakMap<WebSocket, boolean>()

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
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
    socket.on('error', () => socket.destroy())
    opts.authorize(room, req, url).then(
      (auth) => {
        wss.handleUpgrade(req, socket, head, (ws) => {
          if (!auth.ok) {
            ws.close(auth.code, auth.reason)
            return
          }
          serve(ws, auth.info)
        })
      },
      (err: unknown) => {
        opts.log.error('authorization failed', { error: String(err) })
        wss.handleUpgrade(req, socket, head, (ws) => ws.close(CloseCode.internalError, 'error'))
      },
    )
  }

  const serve = (ws: WebSocket, info: ConnectionInfo): void => {
    ws.binaryType = 'nodebuffer'
    alive.set(ws, true)
    const conn = sync.connect(
      {
        send: (frame) => {
          if (ws.readyState === ws.OPEN) ws.send(frame, { binary: true })
        },
        close: (code, reason) => ws.close(code, reason.slice(0, 120)),
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
