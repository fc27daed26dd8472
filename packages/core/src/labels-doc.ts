import type * as Y from 'yjs'
import { z } from 'zod'

/**
 * Layout of a `labels/<project>/<annotator>` document: one top-level Y.Map named `labels`,
 * item id -> a plain JSON entry. Only its annotator writes it, so last-writer-wins per item is
 * exactly the semantics wanted and entries need no finer CRDT structure.
 */
export const LABELS_MAP = 'labels'

export const labelEntrySchema = z.object({
  value: z.union([z.string(), z.array(z.string())]),
  unsure: z.boolean().optional(),
  note: z.string().max(2000).optional(),
  /** Milliseconds since the epoch, set by the writer. */
  at: z.number().finite(),
  /** The version of this label's booklet definition the annotator was shown. */
  bookletVersion: z.number().int().positive().optional(),
})

export type LabelEntry = z.infer<typeof labelEntrySchema>

export function labelsMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>(LABELS_MAP)
}

export function setLabel(doc: Y.Doc, itemId: string, entry: LabelEntry): void {
  labelsMap(doc).set(itemId, { ...entry })
}

/** Reads one entry; anything a client wrote that does not fit the layout is reported, not thrown. */
export function readLabel(
  doc: Y.Doc,
  itemId: string,
): { ok: true; entry: LabelEntry } | { ok: false; reason: string } | undefined {
  const raw = labelsMap(doc).get(itemId)
  if (raw === undefined) return undefined
  return parseLabelEntry(raw)
}

export function parseLabelEntry(
  raw: unknown,
): { ok: true; entry: LabelEntry } | { ok: false; reason: string } {
  const parsed = labelEntrySchema.safeParse(raw)
  if (parsed.success) return { ok: true, entry: parsed.data }
  const issue = parsed.error.issues[0]
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''
  return { ok: false, reason: `malformed label entry: ${where}${issue?.message ?? 'invalid'}` }
}
