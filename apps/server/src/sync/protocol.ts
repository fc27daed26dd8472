import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'

/**
 * The y-websocket wire protocol (y-protocols sync + awareness), decoded strictly: every frame is
 * parsed in full and checked before anything is applied, so a malformed or truncated frame
 * cannot leave a document half-changed.
 *
 * Frame: varUint messageType, then
 *   0 sync:        varUint syncType (0 step1: varUint8Array stateVector,
 *                                    1 step2 / 2 update: varUint8Array update)
 *   1 awareness:   varUint8Array awarenessUpdate
 *   3 queryAwareness: nothing
 *   2 auth:        (server to client only) varUint 0 = permission denied, varString reason
 * Concord adds two server-to-client types, which official clients ignore:
 *   100 notice: varString JSON {level, message, ...}
 *   101 ack:    varUint8Array state vector of this peer's updates that are now durable (sent
 *               only to peers that asked with `?ack=1`, so the web app can show what is waiting)
 */
export const MessageType = Object.freeze({
  sync: 0,
  awareness: 1,
  auth: 2,
  queryAwareness: 3,
  notice: 100,
  ack: 101,
} as const)

export const SyncType = Object.freeze({ step1: 0, step2: 1, update: 2 } as const)

export type ClientMessage =
  | { readonly type: 'step1'; readonly stateVector: Uint8Array }
  | {
      readonly type: 'step2' | 'update'
      readonly update: Uint8Array
      readonly empty: boolean
      /** The (root type, key) of every top-level map entry the update writes, in order. */
      readonly rootEntries: ReadonlyArray<readonly [root: string, key: string]>
    }
  | {
      readonly type: 'awareness'
      readonly update: Uint8Array
      readonly clients: readonly AwarenessEntry[]
    }
  | { readonly type: 'queryAwareness' }

export interface AwarenessEntry {
  readonly clientId: number
  readonly clock: number
  /** null means the client left. */
  readonly state: unknown
}

export class FrameError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'FrameError'
  }
}

function expectEnd(decoder: decoding.Decoder, what: string): void {
  if (decoding.hasContent(decoder)) throw new FrameError(`${what}: trailing bytes`)
}

/** Decodes and validates one client frame; throws FrameError with a reason on anything invalid. */
export function decodeClientMessage(frame: Uint8Array): ClientMessage {
  if (frame.length === 0) throw new FrameError('empty frame')
  const decoder = decoding.createDecoder(frame)
  try {
    const type = decoding.readVarUint(decoder)
    switch (type) {
      case MessageType.sync: {
        const syncType = decoding.readVarUint(decoder)
        const payload = decoding.readVarUint8Array(decoder)
        expectEnd(decoder, 'sync message')
        if (syncType === SyncType.step1) {
          Y.decodeStateVector(payload)
          return { type: 'step1', stateVector: payload }
        }
        if (syncType === SyncType.step2 || syncType === SyncType.update) {
          const decoded = Y.decodeUpdate(payload)
          const empty = decoded.structs.length === 0 && decoded.ds.clients.size === 0
          return {
            type: syncType === SyncType.step2 ? 'step2' : 'update',
            update: payload,
            empty,
            rootEntries: rootEntriesOf(decoded.structs),
          }
        }
        throw new FrameError(`unknown sync message type ${syncType}`)
      }
      case MessageType.awareness: {
        const update = decoding.readVarUint8Array(decoder)
        expectEnd(decoder, 'awareness message')
        return { type: 'awareness', update, clients: decodeAwarenessUpdate(update) }
      }
      case MessageType.queryAwareness:
        expectEnd(decoder, 'query-awareness message')
        return { type: 'queryAwareness' }
      default:
        throw new FrameError(`unknown message type ${type}`)
    }
  } catch (err) {
    if (err instanceof FrameError) throw err
    throw new FrameError(`malformed frame: ${err instanceof Error ? err.message : String(err)}`)
  }
}

/**
 * Top-level map entries written by decoded structs. In a decoded update an item's parent is the
 * root type's name (a string) when it sits directly in a root type, and `parentSub` is its map key.
 */
function rootEntriesOf(
  structs: ReadonlyArray<Y.Item | Y.GC | Y.Skip>,
): Array<readonly [string, string]> {
  const entries: Array<readonly [string, string]> = []
  for (const struct of structs) {
    if (!(struct instanceof Y.Item) || struct.parentSub === null) continue
    const parent: unknown = struct.parent
    if (typeof parent === 'string') entries.push([parent, struct.parentSub])
  }
  return entries
}

function decodeAwarenessUpdate(update: Uint8Array): AwarenessEntry[] {
  const decoder = decoding.createDecoder(update)
  const count = decoding.readVarUint(decoder)
  if (count > 10_000) throw new FrameError('awareness update lists too many clients')
  const entries: AwarenessEntry[] = []
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder)
    const clock = decoding.readVarUint(decoder)
    const json = decoding.readVarString(decoder)
    let state: unknown
    try {
      state = JSON.parse(json)
    } catch {
      throw new FrameError('awareness state is not JSON')
    }
    entries.push({ clientId, clock, state })
  }
  expectEnd(decoder, 'awareness update')
  return entries
}

function frame(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder()
  write(encoder)
  return encoding.toUint8Array(encoder)
}

export function encodeSyncStep1(doc: Y.Doc): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, MessageType.sync)
    encoding.writeVarUint(e, SyncType.step1)
    encoding.writeVarUint8Array(e, Y.encodeStateVector(doc))
  })
}

export function encodeSyncStep2(doc: Y.Doc, stateVector: Uint8Array): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, MessageType.sync)
    encoding.writeVarUint(e, SyncType.step2)
    encoding.writeVarUint8Array(e, Y.encodeStateAsUpdate(doc, stateVector))
  })
}

export function encodeUpdate(update: Uint8Array): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, MessageType.sync)
    encoding.writeVarUint(e, SyncType.update)
    encoding.writeVarUint8Array(e, update)
  })
}

export function encodeAwareness(update: Uint8Array): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, MessageType.awareness)
    encoding.writeVarUint8Array(e, update)
  })
}

export function encodePermissionDenied(reason: string): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, MessageType.auth)
    encoding.writeVarUint(e, 0)
    encoding.writeVarString(e, reason)
  })
}

export interface Notice {
  readonly level: 'error' | 'warning'
  readonly message: string
  readonly [key: string]: unknown
}

export function encodeNotice(notice: Notice): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, MessageType.notice)
    encoding.writeVarString(e, JSON.stringify(notice))
  })
}

export function decodeNotice(frameBytes: Uint8Array): Notice | undefined {
  const decoder = decoding.createDecoder(frameBytes)
  if (decoding.readVarUint(decoder) !== MessageType.notice) return undefined
  return JSON.parse(decoding.readVarString(decoder)) as Notice
}

/** Acknowledges durable updates: the state vector they reach, merged over the batch. */
export function encodeAck(updates: readonly Uint8Array[]): Uint8Array {
  const clocks = new Map<number, number>()
  for (const update of updates) {
    // parseUpdateMeta, not encodeStateVectorFromUpdate: the latter only counts clients whose
    // structs start at clock 0, so it says nothing about an incremental update.
    for (const [client, clock] of Y.parseUpdateMeta(update).to) {
      clocks.set(client, Math.max(clock, clocks.get(client) ?? 0))
    }
  }
  return frame((e) => {
    encoding.writeVarUint(e, MessageType.ack)
    encoding.writeVarUint(e, clocks.size)
    for (const [client, clock] of clocks) {
      encoding.writeVarUint(e, client)
      encoding.writeVarUint(e, clock)
    }
  })
}

/** Re-encodes awareness entries (after dropping some) in the y-protocols awareness format. */
export function encodeAwarenessEntries(entries: readonly AwarenessEntry[]): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, entries.length)
  for (const entry of entries) {
    encoding.writeVarUint(encoder, entry.clientId)
    encoding.writeVarUint(encoder, entry.clock)
    encoding.writeVarString(encoder, JSON.stringify(entry.state))
  }
  return encoding.toUint8Array(encoder)
}
