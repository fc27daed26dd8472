import type { LabelDefinition } from './label-schema'

/**
 * A booklet (a project's living guidelines) as plain data: what the Markdown file and the
 * `booklet/<project>` Yjs document both hold. Text fields are Markdown; they carry no leading
 * or trailing blank lines (see `normalizeBookletText`).
 */
export interface BookletContent {
  readonly title: string
  /** Markdown shown under the title; '' when absent. */
  readonly intro: string
  /** In the order the team reads them (the label schema's order). */
  readonly labels: readonly BookletLabel[]
  readonly examples: readonly BookletExample[]
  readonly discussions: readonly BookletDiscussion[]
}

export interface BookletLabel {
  /** The label id of the project's schema. */
  readonly id: string
  readonly name: string
  readonly definition: string
  /** Markdown (usually a list) of what the label covers; '' when absent. */
  readonly includes: string
  /** Markdown (usually a list) of what it does not cover, often naming the label that does. */
  readonly excludes: string
}

/** An item whose label was hard to decide, the decision taken and why. */
export interface BookletExample {
  /** The item's external id (the id it was imported with). */
  readonly itemId: string
  /** The decided label id. */
  readonly label: string
  readonly rationale: string
}

/** Minutes of one discussion. */
export interface BookletDiscussion {
  /** ISO calendar date, YYYY-MM-DD. */
  readonly date: string
  readonly title: string
  readonly body: string
}

export const BOOKLET_LABEL_ID = /^[A-Za-z0-9_.-]{1,64}$/
export const BOOKLET_DATE = /^\d{4}-\d{2}-\d{2}$/

/**
 * The canonical form of a booklet text field: line endings are '\n', and blank lines at the
 * start and the end are dropped (inner blank lines, indentation and trailing spaces stay).
 */
export function normalizeBookletText(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n')
  let start = 0
  let end = lines.length
  while (start < end && (lines[start] ?? '').trim() === '') start++
  while (end > start && (lines[end - 1] ?? '').trim() === '') end--
  return lines.slice(start, end).join('\n')
}

/** The booklet a new project starts with: its title and one stub per label of the schema. */
export function bookletForLabels(
  title: string,
  labels: readonly LabelDefinition[],
): BookletContent {
  return {
    title,
    intro: '',
    labels: labels.map((l) => ({
      id: l.id,
      name: l.name,
      definition: normalizeBookletText(l.description ?? ''),
      includes: '',
      excludes: '',
    })),
    examples: [],
    discussions: [],
  }
}
