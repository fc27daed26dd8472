import * as Y from 'yjs'

/** One change of a Y.Text event (`event.delta`). */
export type TextDelta = ReadonlyArray<{
  insert?: string | object
  retain?: number
  delete?: number
}>

/** A minimal edit turning one string into another: delete `remove` chars at `index`, insert `insert`. */
export interface TextEdit {
  readonly index: number
  readonly remove: number
  readonly insert: string
}

/**
 * The single-range edit from `before` to `after`: the longest common suffix, then the longest
 * common prefix. `cursor` (the caret after the edit) settles ambiguous cases, e.g. typing "a"
 * inside "aa": the inserted text ends at the caret, so the common suffix never reaches into
 * what lies before the caret. Returns null when the strings are equal.
 */
export function diffText(before: string, after: string, cursor = after.length): TextEdit | null {
  if (before === after) return null
  const maxSuffix = Math.min(before.length, after.length, Math.max(0, after.length - cursor))
  let suffix = 0
  while (
    suffix < maxSuffix &&
    before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)
  ) {
    suffix++
  }
  const maxPrefix = Math.min(before.length, after.length) - suffix
  let prefix = 0
  while (prefix < maxPrefix && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++
  // Never split a surrogate pair (an emoji) between the kept and the changed part.
  if (prefix > 0 && isHighSurrogate(after.charCodeAt(prefix - 1))) prefix--
  if (suffix > 0 && isLowSurrogate(after.charCodeAt(after.length - suffix))) suffix--
  return {
    index: prefix,
    remove: before.length - prefix - suffix,
    insert: after.slice(prefix, after.length - suffix),
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff
}

/**
 * Where a position of the old text lands once a remote change (a Yjs delta) is applied. Text
 * inserted exactly at the position goes after it: a caret stays put when someone else types
 * right where it is, so two people typing at the same spot each keep their words together.
 */
export function transformPosition(position: number, delta: TextDelta): number {
  let index = 0 // walks the new text
  let pos = position // the position, moved by the operations seen so far
  for (const op of delta) {
    if (op.retain !== undefined) {
      index += op.retain
    } else if (op.insert !== undefined) {
      const length = typeof op.insert === 'string' ? op.insert.length : 1
      if (index < pos) pos += length
      index += length
    } else if (op.delete !== undefined) {
      if (index < pos) pos -= Math.min(op.delete, pos - index)
    }
    if (index > pos) break
  }
  return pos
}

export interface BindTextareaOptions {
  /** Undo/redo (Ctrl/Cmd+Z, Ctrl+Y, Ctrl/Cmd+Shift+Z) reverts only this editor's own changes. */
  readonly undo?: boolean
}

/**
 * Binds a textarea to a Y.Text, both ways, until the returned function is called:
 * - local input becomes one minimal delete/insert on the Y.Text (diffing the old and new value);
 * - a remote change replaces the textarea's value, and the caret and selection are carried
 *   through the change's delta, so an edit elsewhere never moves the local caret wrongly;
 * - undo and redo go through a Y.UndoManager scoped to this binding (the browser's own undo
 *   stack would mix in the remote edits).
 */
export function bindTextarea(
  textarea: HTMLTextAreaElement,
  ytext: Y.Text,
  options: BindTextareaOptions = {},
): () => void {
  const origin = { binding: 'textarea' }
  let known = ytext.toString()
  textarea.value = known

  const undoManager =
    options.undo === false
      ? undefined
      : new Y.UndoManager(ytext, { trackedOrigins: new Set([origin]) })

  const onInput = (): void => {
    const value = textarea.value
    const edit = diffText(known, value, textarea.selectionEnd)
    known = value
    if (!edit || !ytext.doc) return
    ytext.doc.transact(() => {
      if (edit.remove > 0) ytext.delete(edit.index, edit.remove)
      if (edit.insert !== '') ytext.insert(edit.index, edit.insert)
    }, origin)
  }

  const observer = (event: Y.YTextEvent, tx: Y.Transaction): void => {
    if (tx.origin === origin) return
    // A local input not yet seen (none in practice: input events are synchronous) is lost
    // rather than applied at a wrong place.
    const focused = document.activeElement === textarea
    const start = textarea.selectionStart
    const end = textarea.selectionEnd
    const direction = textarea.selectionDirection
    const scrollTop = textarea.scrollTop
    const delta = event.delta as TextDelta
    known = ytext.toString()
    if (textarea.value === known) return
    textarea.value = known
    if (focused) {
      textarea.setSelectionRange(
        transformPosition(start, delta),
        transformPosition(end, delta),
        direction ?? 'none',
      )
    }
    textarea.scrollTop = scrollTop
    textarea.dispatchEvent(new CustomEvent('ytext-remote', { bubbles: true }))
  }

  const runUndo = (redo: boolean): void => {
    if (!undoManager) return
    if (redo) undoManager.redo()
    else undoManager.undo()
  }
  const onKeyDown = (e: KeyboardEvent): void => {
    if (!undoManager || !(e.ctrlKey || e.metaKey) || e.altKey) return
    const key = e.key.toLowerCase()
    if (key === 'z' || key === 'y') {
      e.preventDefault()
      runUndo(key === 'y' || e.shiftKey)
    }
  }
  const onBeforeInput = (e: InputEvent): void => {
    if (!undoManager) return
    if (e.inputType === 'historyUndo' || e.inputType === 'historyRedo') {
      e.preventDefault()
      runUndo(e.inputType === 'historyRedo')
    }
  }

  textarea.addEventListener('input', onInput)
  textarea.addEventListener('keydown', onKeyDown)
  textarea.addEventListener('beforeinput', onBeforeInput)
  ytext.observe(observer)
  return () => {
    textarea.removeEventListener('input', onInput)
    textarea.removeEventListener('keydown', onKeyDown)
    textarea.removeEventListener('beforeinput', onBeforeInput)
    ytext.unobserve(observer)
    undoManager?.destroy()
  }
}
