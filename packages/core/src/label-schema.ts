import { z } from 'zod'

/**
 * A project's label schema. `single`: one label per item; `multi`: any subset of the labels.
 * `ordered` marks an ordinal scale (single-label only): the labels' order is the scale's order,
 * which agreement statistics and the web app's buttons follow.
 */
export const labelDefinitionSchema = z.object({
  id: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'label ids use letters, digits, _ . - (at most 64)'),
  name: z.string().min(1).max(200),
  description: z.string().max(10_000).optional(),
})

export const labelSchemaSchema = z
  .object({
    kind: z.enum(['single', 'multi']),
    ordered: z.boolean().default(false),
    labels: z.array(labelDefinitionSchema).min(2, 'a schema needs at least two labels').max(500),
  })
  .superRefine((schema, ctx) => {
    const seen = new Set<string>()
    schema.labels.forEach((label, i) => {
      if (seen.has(label.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['labels', i, 'id'],
          message: `duplicate label id '${label.id}'`,
        })
      }
      seen.add(label.id)
    })
    if (schema.ordered && schema.kind === 'multi') {
      ctx.addIssue({
        code: 'custom',
        path: ['ordered'],
        message: 'an ordinal scale is single-label',
      })
    }
  })

export type LabelDefinition = z.infer<typeof labelDefinitionSchema>
export type LabelSchema = z.infer<typeof labelSchemaSchema>

/** A label value as stored: one label id (single) or a sorted set of label ids (multi). */
export type LabelValue = string | readonly string[]

export type LabelCheck = { ok: true; value: LabelValue } | { ok: false; reason: string }

/**
 * Checks a value written by a client against the schema. Multi-label values are normalised to
 * a sorted, duplicate-free array so that equal sets compare equal downstream.
 */
export function checkLabelValue(schema: LabelSchema, value: unknown): LabelCheck {
  const known = new Set(schema.labels.map((l) => l.id))
  const list = `one of ${schema.labels.map((l) => `'${l.id}'`).join(', ')}`
  if (schema.kind === 'single') {
    if (typeof value !== 'string') return { ok: false, reason: `expected a label id, ${list}` }
    if (!known.has(value))
      return { ok: false, reason: `'${value}' is not a label; expected ${list}` }
    return { ok: true, value }
  }
  if (!Array.isArray(value))
    return { ok: false, reason: `expected a list of label ids, each ${list}` }
  const out = new Set<string>()
  for (const v of value as unknown[]) {
    if (typeof v !== 'string' || !known.has(v)) {
      return { ok: false, reason: `${JSON.stringify(v)} is not a label; expected ${list}` }
    }
    out.add(v)
  }
  return { ok: true, value: [...out].sort() }
}

/** The stored text form of a value: the id itself, or ids joined by '|' for multi-label. */
export function encodeLabelValue(value: LabelValue): string {
  return typeof value === 'string' ? value : value.join('|')
}
