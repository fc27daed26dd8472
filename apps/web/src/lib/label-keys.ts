/** Keys the annotate view uses for itself; labels never take them. */
export const RESERVED_KEYS = new Set(['u', 'n', 'f', 'h', 'j', 'k', 'l'])

/**
 * Keyboard shortcuts for labels, in schema order: 1-9, then letters a-z not reserved, so an
 * ordinal scale reads left to right on the number row. Labels past the 35th get no key.
 */
export function assignLabelKeys(labelIds: readonly string[]): Map<string, string> {
  const keys = ['1', '2', '3', '4', '5', '6', '7', '8', '9']
  for (let c = 97; c <= 122; c++) {
    const k = String.fromCharCode(c)
    if (!RESERVED_KEYS.has(k)) keys.push(k)
  }
  const out = new Map<string, string>()
  labelIds.forEach((id, i) => {
    const key = keys[i]
    if (key !== undefined) out.set(key, id)
  })
  return out
}

/** The inverse: label id -> key, for hints on the buttons. */
export function keyForLabel(keys: Map<string, string>): Map<string, string> {
  return new Map([...keys].map(([k, id]) => [id, k]))
}
