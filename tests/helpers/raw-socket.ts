import { connect } from 'node:net'
import WebSocket from 'ws'

export interface RawResult {
  messages: Uint8Array[]
  closeCode: number | undefined
  closeReason: string
}

/** Opens a plain WebSocket and records every frame and the close, for protocol-level checks. */
export function openRaw(url: string): {
  ws: WebSocket
  result: RawResult
  opened: Promise<void>
  closed: Promise<RawResult>
} {
  const ws = new WebSocket(url)
  const result: RawResult = { messages: [], closeCode: undefined, closeReason: '' }
  ws.on('message', (data: Buffer) => result.messages.push(new Uint8Array(data)))
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  const closed = new Promise<RawResult>((resolve) => {
    ws.once('close', (code, reason) => {
      result.closeCode = code
      result.closeReason = reason.toString()
      resolve(result)
    })
    ws.on('error', () => undefined)
  })
  return { ws, result, opened, closed }
}

/** A client frame's header fields, set wrong on purpose to test the server's parser. */
export interface FrameShape {
  /** 0x2 binary unless set; 0x3-0x7 and 0xB-0xF are reserved. */
  readonly opcode?: number
  /** RSV1-3 bits (0-7), which no extension Concord accepts may set. */
  readonly rsv?: number
  /** Client frames must be masked; `false` sends it in the clear. */
  readonly masked?: boolean
  /** The length the header announces, when it is not the payload's. */
  readonly announcedLength?: number
}

/** Encodes one WebSocket frame (RFC 6455 section 5.2) as a client would, or wrongly. */
export function wsFrame(payload: Uint8Array, shape: FrameShape = {}): Uint8Array {
  const masked = shape.masked ?? true
  const length = shape.announcedLength ?? payload.length
  const head: number[] = [0x80 | ((shape.rsv ?? 0) << 4) | (shape.opcode ?? 0x2)]
  const maskBit = masked ? 0x80 : 0
  if (length < 126) head.push(maskBit | length)
  else if (length < 0x10000) head.push(maskBit | 126, length >> 8, length & 0xff)
  else {
    head.push(maskBit | 127)
    for (let shift = 56; shift >= 0; shift -= 8)
      head.push(Number((BigInt(length) >> BigInt(shift)) & 0xffn))
  }
  const key = [0x12, 0x34, 0x56, 0x78]
  const body = masked ? payload.map((b, i) => b ^ key[i % 4]!) : payload
  return Uint8Array.from([...head, ...(masked ? key : []), ...body])
}

export interface RawUpgradeResult {
  /** The HTTP status of the server's answer (101 once the upgrade completed), if any came. */
  readonly status: number | undefined
  /** The code of the first close frame the server sent, if any. */
  readonly closeCode: number | undefined
  /** The peer's socket was closed by the server within the time allowed (else it is destroyed). */
  readonly closedByServer: boolean
}

/**
 * Sends a WebSocket upgrade request for `url` over a plain TCP socket with `after` right behind
 * it, in the same write (or `delayMs` later), as no WebSocket library would, and reads what the
 * server answers until it closes the socket or `waitMs` passes.
 */
export function rawUpgrade(
  url: string,
  after: Uint8Array,
  opts: { delayMs?: number; waitMs?: number } = {},
): Promise<RawUpgradeResult> {
  const target = new URL(url)
  const request =
    `GET ${target.pathname}${target.search} HTTP/1.1\r\n` +
    `Host: ${target.host}\r\n` +
    'Upgrade: websocket\r\nConnection: Upgrade\r\n' +
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n'
  return new Promise((resolve) => {
    const socket = connect(Number(target.port), target.hostname)
    const chunks: Buffer[] = []
    let closedByServer = false
    const timer = setTimeout(() => socket.destroy(), opts.waitMs ?? 5_000)
    socket.on('data', (d: Buffer) => chunks.push(d))
    socket.on('end', () => (closedByServer = true))
    socket.on('error', () => undefined)
    socket.on('close', () => {
      clearTimeout(timer)
      resolve(parseUpgradeAnswer(Buffer.concat(chunks), closedByServer))
    })
    socket.on('connect', () => {
      if (opts.delayMs === undefined) socket.write(Buffer.concat([Buffer.from(request), after]))
      else {
        socket.write(request)
        setTimeout(() => socket.writable && socket.write(after), opts.delayMs)
      }
    })
  })
}

function parseUpgradeAnswer(bytes: Buffer, closedByServer: boolean): RawUpgradeResult {
  const text = bytes.toString('latin1')
  const status = /^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]
  const end = text.indexOf('\r\n\r\n')
  let closeCode: number | undefined
  // Server frames are unmasked; a close frame is opcode 8 with the code in its first two bytes.
  for (let at = end < 0 ? bytes.length : end + 4; at + 2 <= bytes.length;) {
    const opcode = bytes[at]! & 0x0f
    let length = bytes[at + 1]! & 0x7f
    let start = at + 2
    if (length === 126) {
      length = bytes.readUInt16BE(start)
      start += 2
    } else if (length === 127) {
      length = Number(bytes.readBigUInt64BE(start))
      start += 8
    }
    if (opcode === 0x8 && length >= 2 && start + 2 <= bytes.length) {
      closeCode = bytes.readUInt16BE(start)
      break
    }
    at = start + length
  }
  return { status: status === undefined ? undefined : Number(status), closeCode, closedByServer }
}
