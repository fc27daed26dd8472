import { ConcordError } from '@concord/core'
import type { Context } from 'hono'
import type { z } from 'zod'

/** Parses the JSON body with `schema`; malformed JSON is a 400, schema errors become 400 too. */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  return readJsonBody(c, schema, false)
}

/** Like readJson, but an empty body stands for `{}` (for bodies whose fields are all optional). */
export async function readOptionalJson<S extends z.ZodType>(
  c: Context,
  schema: S,
): Promise<z.output<S>> {
  return readJsonBody(c, schema, true)
}

async function readJsonBody<S extends z.ZodType>(
  c: Context,
  schema: S,
  optional: boolean,
): Promise<z.output<S>> {
  const text = await c.req.text()
  if (text.trim() === '') {
    if (optional) return schema.parse({})
    throw new ConcordError('bad_request', 'expected a JSON body')
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err)
    throw new ConcordError('bad_request', `the body is not valid JSON: ${reason}`)
  }
  return schema.parse(value)
}

/** Parses the query string with `schema` (each parameter's last value). */
export function readQuery<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  return schema.parse(c.req.query())
}
