/**
 * The few error kinds Concord reports. Each carries an HTTP-like status and a reason a user can
 * act on; the server converts them to HTTP responses or WebSocket close codes in one place.
 */
export type ErrorCode =
  | 'bad_request'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'invalid_import'
  | 'invalid_model'
  | 'not_ready'
  | 'too_many_requests'
  | 'unsupported_media_type'

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  invalid_import: 422,
  invalid_model: 422,
  not_ready: 409,
  too_many_requests: 429,
  unsupported_media_type: 415,
}

export interface ErrorDetail {
  /** Where the problem is: a JSON path like `labels.2.id`, or `line 5000`. */
  readonly path?: string
  readonly message: string
}

export class ConcordError extends Error {
  readonly status: number
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: readonly ErrorDetail[] = [],
  ) {
    super(message)
    this.name = 'ConcordError'
    this.status = STATUS[code]
  }
}

/**
 * Refused for now, not for ever (login throttling): the client may try again after
 * `retryAfterSeconds`, which the HTTP layer sends as `Retry-After`.
 */
export class TooManyRequestsError extends ConcordError {
  constructor(
    readonly retryAfterSeconds: number,
    message: string,
  ) {
    super('too_many_requests', message)
    this.name = 'TooManyRequestsError'
  }
}

/** A bad row in an imported file; `line` is 1-based and counts the header line. */
export class ImportError extends ConcordError {
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super('invalid_import', `line ${line}: ${reason}`, [{ path: `line ${line}`, message: reason }])
    this.name = 'ImportError'
  }
}
