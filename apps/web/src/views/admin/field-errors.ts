// Field errors as plain data, shared by the forms and the checks (no JSX, so tests import it).

/** Field errors by path, in the server's notation: `name`, `labelSchema.labels.1.id`. */
export type FieldErrors = Readonly<Record<string, string>>

/** The DOM id of the control for a path; label, error text and error summary all use it. */
export function fieldId(path: string): string {
  return `f-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`
}

/** The first message per path of a list of issues (zod's or the server's `details`). */
export function errorsByPath(
  issues: ReadonlyArray<{ path?: string | ReadonlyArray<PropertyKey>; message: string }>,
): Record<string, string> {
  const out: Record<string, string> = {}
  for (const issue of issues) {
    const path =
      typeof issue.path === 'string' ? issue.path : (issue.path ?? []).map(String).join('.')
    if (out[path] === undefined) out[path] = issue.message
  }
  return out
}

/** The errors without the one at `path` (after the user edits that field). */
export function withoutPath(errors: FieldErrors, path: string): FieldErrors {
  if (errors[path] === undefined) return errors
  const out: Record<string, string> = { ...errors }
  delete out[path]
  return out
}
