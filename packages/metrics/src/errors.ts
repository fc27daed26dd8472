/**
 * The one error this package throws: the input is invalid (not merely degenerate).
 *
 * Degenerate but valid data (no pairable items, a single category, ...) never throws: the
 * metric returns `NaN` with a `reason`. `MetricsInputError` is for input that cannot be read
 * as annotations at all: a duplicate (item, annotator) pair, a value outside the declared
 * category order, a non-numeric value at the interval level, an unknown option.
 */
export class MetricsInputError extends Error {
  override readonly name = 'MetricsInputError'
  /** A short machine-readable code for the problem. */
  readonly code: MetricsInputErrorCode

  constructor(code: MetricsInputErrorCode, message: string) {
    super(message)
    this.code = code
  }
}

export type MetricsInputErrorCode =
  | 'duplicate-annotation'
  | 'invalid-value'
  | 'unknown-category'
  | 'mixed-value-types'
  | 'non-numeric-value'
  | 'negative-value'
  | 'unknown-annotator'
  | 'missing-timestamp'
  | 'invalid-option'
  | 'csv'
