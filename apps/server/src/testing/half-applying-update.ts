import * as encoding from 'lib0/encoding'

/**
 * A Yjs update (v1) that decodes cleanly (Y.decodeUpdate, hence the sync layer's strict frame
 * check) but throws inside Y.applyUpdate after integrating part of itself: what no Yjs client
 * produces, crafted by a hostile peer. Its first item sets `root[key] = entry`, which Yjs
 * integrates; its second names as origin a clock of its own client that does not exist, which
 * Yjs does not treat as missing (same client) and fails to look up.
 */
export function halfApplyingUpdate(opts: {
  readonly client: number
  readonly root: string
  readonly key: string
  readonly entry: unknown
}): Uint8Array {
  const contentAny = 8
  const hasOrigin = 0x80
  const hasParentSub = 0x20
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 1) // clients
  encoding.writeVarUint(e, 2) // structs of this client
  encoding.writeVarUint(e, opts.client)
  encoding.writeVarUint(e, 0) // clock of the first struct
  // 1: root[key] = entry
  encoding.writeUint8(e, contentAny | hasParentSub)
  encoding.writeVarUint(e, 1) // parent named by a root type's name
  encoding.writeVarString(e, opts.root)
  encoding.writeVarString(e, opts.key)
  encoding.writeVarUint(e, 1)
  encoding.writeAny(e, opts.entry as Parameters<typeof encoding.writeAny>[1])
  // 2: placed after this client's own clock 999, which does not exist
  encoding.writeUint8(e, contentAny | hasOrigin)
  encoding.writeVarUint(e, opts.client)
  encoding.writeVarUint(e, 999)
  encoding.writeVarUint(e, 1)
  encoding.writeAny(e, 1)
  encoding.writeVarUint(e, 0) // empty delete set
  return encoding.toUint8Array(e)
}
