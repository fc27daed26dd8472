import { z } from 'zod'
import { ID_PATTERN } from './ids'
import { labelSchemaSchema } from './label-schema'

/** Limits shared by the API and the web app's forms. */
export const MAX_OVERLAP = 50

const name = z.string().trim().min(1, 'a project needs a name').max(200)
const description = z.string().max(10_000)
const overlap = z
  .number()
  .int()
  .min(1, 'each item needs at least one annotator')
  .max(MAX_OVERLAP, `at most ${MAX_OVERLAP} annotators per item`)

/** The body of "create a project". Unknown keys are refused, so a typo is not silently dropped. */
export const projectCreateSchema = z.strictObject({
  id: z
    .string()
    .regex(ID_PATTERN, 'project ids use letters, digits, _ and - (at most 64)')
    .optional(),
  name,
  description: description.default(''),
  labelSchema: labelSchemaSchema,
  /** K: how many annotators label each item. */
  overlap: overlap.default(2),
  blind: z.boolean().default(true),
  annotatorsEditBooklet: z.boolean().default(false),
  /**
   * Items may show images from other servers; when absent or false, an http(s) image URL is
   * refused at import.
   */
  allowRemoteMedia: z.boolean().optional(),
})

/** The body of "change a project": any subset of the settings. */
export const projectUpdateSchema = z.strictObject({
  name: name.optional(),
  description: description.optional(),
  labelSchema: labelSchemaSchema.optional(),
  overlap: overlap.optional(),
  blind: z.boolean().optional(),
  annotatorsEditBooklet: z.boolean().optional(),
  allowRemoteMedia: z.boolean().optional(),
})

export type ProjectCreate = z.infer<typeof projectCreateSchema>
export type ProjectUpdate = z.infer<typeof projectUpdateSchema>
