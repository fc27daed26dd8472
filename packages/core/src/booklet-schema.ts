import { z } from 'zod'
import { BOOKLET_DATE, BOOKLET_LABEL_ID, type BookletContent } from './booklet-content'

// Kept apart from booklet-content so that code reading a booklet (the web app) does not load zod.
const singleLine = (what: string) =>
  z
    .string()
    .min(1, `${what} is empty`)
    .max(500)
    .refine((s) => !/[\r\n]/.test(s) && s.trim() === s, `${what} is one trimmed line`)

const block = z.string().max(100_000)

/** Validates booklet content received as JSON (REST). The Markdown parser produces valid content. */
export const bookletContentSchema = z.object({
  title: singleLine('title'),
  intro: block,
  labels: z
    .array(
      z.object({
        id: z.string().regex(BOOKLET_LABEL_ID, 'label ids use letters, digits, _ . - (at most 64)'),
        name: singleLine('label name'),
        definition: block,
        includes: block,
        excludes: block,
      }),
    )
    .max(500),
  examples: z
    .array(
      z.object({
        itemId: singleLine('item id'),
        label: z.string().regex(BOOKLET_LABEL_ID, 'not a label id'),
        rationale: block,
      }),
    )
    .max(10_000),
  discussions: z
    .array(
      z.object({
        date: z.string().regex(BOOKLET_DATE, 'dates are YYYY-MM-DD'),
        title: z
          .string()
          .max(500)
          .refine(
            (s) => !/[\r\n]/.test(s) && s.trim() === s,
            'discussion title is one trimmed line',
          ),
        body: block,
      }),
    )
    .max(10_000),
}) satisfies z.ZodType<BookletContent>
