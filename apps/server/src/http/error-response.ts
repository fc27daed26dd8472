import { ConcordError, TooManyRequestsError, type ErrorDetail } from '@concord/core'
import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { ZodError } from 'zod'
import type { Logger } from '../logger'

/** The one shape of every error the API returns. */
export interface ErrorBody {
  error: { code: string; message: string; details: ErrorDetail[] }
}

const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'too_large',
  422: 'invalid_import',
  429: 'too_many_requests',
}

function zodDetails(err: ZodError): ErrorDetail[] {
  return err.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }))
}

/**
 * Converts anything thrown by a route or middleware to JSON: ConcordError with its status,
 * ZodError as 400 with one detail per issue, Hono's HTTPException with its status; anything else
 * is a 500 whose cause goes to the log, not to the client.
 */
export function errorResponse(err: unknown, c: Context, log: Logger): Response {
  const send = (status: number, code: string, message: string, details: ErrorDetail[] = []) =>
    c.json<ErrorBody>({ error: { code, message, details } }, status as ContentfulStatusCode)
  if (err instanceof ConcordError) {
    // The client may come back later: say when (RFC 9110 section 10.2.3).
    if (err instanceof TooManyRequestsError) c.header('Retry-After', String(err.retryAfterSeconds))
    return send(err.status, err.code, err.message, [...err.details])
  }
  if (err instanceof ZodError) {
    const details = zodDetails(err)
    const first = details[0]
    const where = first?.path ? `${first.path}: ` : ''
    return send(
      400,
      'bad_request',
      `invalid input: ${where}${first?.message ?? 'invalid'}`,
      details,
    )
  }
  if (err instanceof HTTPException) {
    const status = err.status
    const code = CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal' : 'bad_request')
    return send(status, code, err.message || code.replace('_', ' '))
  }
  log.error('request failed', {
    method: c.req.method,
    path: c.req.path,
    error: err instanceof Error ? (err.stack ?? err.message) : String(err),
  })
  return send(500, 'internal', 'internal error; the server log has the details')
}
