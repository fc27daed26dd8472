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
