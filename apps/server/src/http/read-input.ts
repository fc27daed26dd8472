import { ConcordError } from '@concord/core'
import type { Context } from 'hono'
import type { z } from 'zod'

/**
 * Parses the JSON body with `schema`; malformed JSON is a 400, schema errors become 400 too, a
 * body not sent as application/json a 415.
 */
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
  // A browser sends text/plain (or a form type) to another origin without asking it first;
  // application/json it may only send after a CORS preflight, which Concord never grants.
  if (!isJsonType(c.req.header('content-type'))) {
    throw new ConcordError(
      'unsupported_media_type',
      `send the JSON body with Content-Type: application/json (got ${c.req.header('content-type')?.slice(0, 80) ?? 'none'})`,
    )
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

function isJsonType(header: string | undefined): boolean {
  const type = header?.split(';')[0]?.trim().toLowerCase()
  return type === 'application/json'
}

/** Parses the query string with `schema` (each parameter's last value). */
export function readQuery<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  return schema.parse(c.req.query())
}
