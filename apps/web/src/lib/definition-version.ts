import { bookletLabels } from '@concord/core'
import * as Y from 'yjs'

/**
 * Guideline versions. A label's booklet entry carries `version` (1 at creation); it goes up by
 * one when an edit session that changed the definition text ends, and every label an annotator
 * gives records the version it was made under (`bookletVersion`), so the server can list the
 * labels made under an older definition for re-check (GET /api/projects/:id/recheck).
 *
 * The booklet editor's use (LabelSection):
 *   open():  const before = snapshotDefinition(map)
 *   close(): bumpIfDefinitionChanged(map, before)
 */
export interface DefinitionSnapshot {
  readonly definition: string
  readonly version: number
}

function versionOf(map: Y.Map<unknown>): number {
  const v = map.get('version')
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : 1
}

function definitionOf(map: Y.Map<unknown>): string {
  const d = map.get('definition')
  if (d instanceof Y.Text) return d.toString()
  return typeof d === 'string' ? d : ''
}

/** The definition and version when an edit session starts. */
export function snapshotDefinition(map: Y.Map<unknown>): DefinitionSnapshot {
  return { definition: definitionOf(map), version: versionOf(map) }
}

/** Only changes of meaning count: whitespace at the ends or between words does not. */
function normalize(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

/**
 * At the end of an edit session: raises the version by one when the definition text changed
 * and nobody raised it during the session already. Returns the new version, or undefined.
 */
export function bumpIfDefinitionChanged(
  map: Y.Map<unknown>,
  before: DefinitionSnapshot,
): number | undefined {
  if (normalize(definitionOf(map)) === normalize(before.definition)) return undefined
  const now = versionOf(map)
  if (now > before.version) return undefined
  map.set('version', now + 1)
  return now + 1
}

/**
 * The booklet version a label is made under: the current version of the chosen label, the
 * highest over the chosen labels for multi-label; undefined when the booklet has none of them.
 */
export function bookletVersionFor(
  doc: Y.Doc,
  value: string | readonly string[],
): number | undefined {
  const labels = bookletLabels(doc)
  let out: number | undefined
  for (const id of typeof value === 'string' ? [value] : value) {
    const map = labels.get(id)
    if (!(map instanceof Y.Map)) continue
    const v = versionOf(map as Y.Map<unknown>)
    out = out === undefined ? v : Math.max(out, v)
  }
  return out
}
