import { z } from 'zod'

/** A time bound: epoch milliseconds or an ISO date/date-time; a bare `to` date means its whole day. */
function timeBound(end: boolean) {
  return z
    .string()
    .transform((s, ctx) => {
      if (/^-?\d+$/.test(s)) return Number(s)
      const ms = Date.parse(s)
      if (Number.isNaN(ms)) {
        ctx.addIssue({
          code: 'custom',
          message: `'${s.slice(0, 40)}' is not a date or epoch milliseconds`,
        })
        return z.NEVER
      }
      return end && /^\d{4}-\d{2}-\d{2}$/.test(s) ? ms + 86_400_000 - 1 : ms
    })
    .optional()
}

export const agreementQuery = z.object({
  label: z.string().min(1).max(64).optional(),
  /** One annotator id or several, comma-separated. */
  annotator: z.string().min(1).max(2000).optional(),
  from: timeBound(false),
  to: timeBound(true),
})

export type AgreementQuery = z.output<typeof agreementQuery>

export function filterOf(q: AgreementQuery) {
  return {
    ...(q.label !== undefined ? { label: q.label } : {}),
    ...(q.annotator !== undefined
      ? {
          annotators: q.annotator
            .split(',')
            .map((a) => a.trim())
            .filter(Boolean),
        }
      : {}),
    ...(q.from !== undefined ? { from: q.from } : {}),
    ...(q.to !== undefined ? { to: q.to } : {}),
  }
}
