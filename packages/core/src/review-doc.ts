import type * as Y from 'yjs'
import { z } from 'zod'

/**
 * Layout of a `review/<project>` document (reviewers write; annotators read once blind mode is
 * off). A contract shared by the server (which projects adjudications into SQL) and the web app.
 *
 *   doc.getMap('adjudications')    item id -> plain entry { label, rationale, by, at, session? }
 *                                  the decided label of an item; it wins over the majority
 *   doc.getMap('comments')         item id -> Y.Array of { by, name, text, at }
 *   doc.getMap('sessions')         session id -> Y.Map (see ReviewSession below)
 */
export const ADJUDICATIONS_MAP = 'adjudications'
export const COMMENTS_MAP = 'comments'
export const SESSIONS_MAP = 'sessions'

export const adjudicationEntrySchema = z.object({
  label: z.union([z.string(), z.array(z.string())]),
  rationale: z.string().max(10_000).default(''),
  by: z.string().min(1).max(64),
  at: z.number().finite(),
  session: z.string().max(64).optional(),
})

export type AdjudicationEntry = z.infer<typeof adjudicationEntrySchema>

export function adjudicationsMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>(ADJUDICATIONS_MAP)
}

export function parseAdjudicationEntry(
  raw: unknown,
): { ok: true; entry: AdjudicationEntry } | { ok: false; reason: string } {
  const parsed = adjudicationEntrySchema.safeParse(raw)
  if (parsed.success) return { ok: true, entry: parsed.data }
  const issue = parsed.error.issues[0]
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''
  return { ok: false, reason: `malformed adjudication: ${where}${issue?.message ?? 'invalid'}` }
}
