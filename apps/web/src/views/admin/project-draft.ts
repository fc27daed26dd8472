import { MAX_OVERLAP, projectCreateSchema, projectUpdateSchema } from '@concord/core'
import type { LabelSchema, ProjectSummary } from '../../lib/api'
import { errorsByPath, type FieldErrors } from './field-errors'

/** One row of the label editor; `key` stays with the row when it moves. */
export interface LabelDraft {
  key: number
  id: string
  name: string
  description: string
  /** Whether the id was typed by hand; until then it follows the name. */
  idEdited: boolean
}

/** The new-project form as typed: strings where the user types, before any conversion. */
export interface ProjectDraft {
  id: string
  name: string
  description: string
  kind: 'single' | 'multi'
  ordered: boolean
  labels: LabelDraft[]
  overlap: string
  blind: boolean
  annotatorsEditBooklet: boolean
  allowRemoteMedia: boolean
}

/** The settings a project admin changes after creation (PATCH /api/projects/:id). */
export type SettingsDraft = Pick<
  ProjectDraft,
  'name' | 'description' | 'overlap' | 'blind' | 'annotatorsEditBooklet' | 'allowRemoteMedia'
>

export { MAX_OVERLAP }

let nextKey = 1
export function newLabelDraft(): LabelDraft {
  return { key: nextKey++, id: '', name: '', description: '', idEdited: false }
}

export function emptyProjectDraft(): ProjectDraft {
  return {
    id: '',
    name: '',
    description: '',
    kind: 'single',
    ordered: false,
    labels: [newLabelDraft(), newLabelDraft()],
    overlap: '2',
    blind: true,
    annotatorsEditBooklet: false,
    allowRemoteMedia: false,
  }
}

export function settingsDraft(p: ProjectSummary): SettingsDraft {
  return {
    name: p.name,
    description: p.description ?? '',
    overlap: String(p.overlap),
    blind: p.blind,
    annotatorsEditBooklet: p.annotatorsEditBooklet,
    allowRemoteMedia: p.allowRemoteMedia ?? false,
  }
}

/** A label id suggested by its name: `Not sure?` becomes `not_sure`. */
export function labelIdFromName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9_.-]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 64)
}

function overlapNumber(text: string): number {
  return /^\s*\d+\s*$/.test(text) ? Number(text) : NaN
}

function labelSchemaBody(d: ProjectDraft): LabelSchema {
  return {
    kind: d.kind,
    ordered: d.kind === 'single' && d.ordered,
    labels: d.labels.map((l) => ({
      id: l.id.trim(),
      name: l.name.trim(),
      ...(l.description.trim() !== '' ? { description: l.description.trim() } : {}),
    })),
  }
}

/** The body of POST /api/projects. */
export function createBody(d: ProjectDraft) {
  return {
    ...(d.id.trim() !== '' ? { id: d.id.trim() } : {}),
    name: d.name.trim(),
    description: d.description,
    labelSchema: labelSchemaBody(d),
    overlap: overlapNumber(d.overlap),
    blind: d.blind,
    annotatorsEditBooklet: d.annotatorsEditBooklet,
    allowRemoteMedia: d.allowRemoteMedia,
  }
}

/** The body of PATCH /api/projects/:id: only what changed. */
export function updateBody(d: SettingsDraft, before: ProjectSummary) {
  const after = {
    name: d.name.trim(),
    description: d.description,
    overlap: overlapNumber(d.overlap),
    blind: d.blind,
    annotatorsEditBooklet: d.annotatorsEditBooklet,
    allowRemoteMedia: d.allowRemoteMedia,
  }
  const was = { ...before, allowRemoteMedia: before.allowRemoteMedia ?? false }
  const patch: Partial<typeof after> = {}
  for (const key of Object.keys(after) as Array<keyof typeof after>) {
    if (after[key] !== was[key]) (patch as Record<string, unknown>)[key] = after[key]
  }
  return patch
}

/**
 * The checks the server makes, run in the browser first: plain-language messages for the
 * common cases, then the server's own zod schema (shared through @concord/core) for the rest,
 * so the paths and messages are the ones the server would send.
 */
function commonChecks(d: SettingsDraft): Record<string, string> {
  const out: Record<string, string> = {}
  if (d.name.trim() === '') out.name = 'a project needs a name'
  const k = overlapNumber(d.overlap)
  if (!Number.isInteger(k) || k < 1 || k > MAX_OVERLAP) {
    out.overlap = `enter a whole number from 1 to ${MAX_OVERLAP}`
  }
  return out
}

export function checkCreate(d: ProjectDraft): FieldErrors {
  const out = commonChecks(d)
  d.labels.forEach((l, i) => {
    if (l.id.trim() === '') out[`labelSchema.labels.${i}.id`] = 'each label needs an id'
    if (l.name.trim() === '') out[`labelSchema.labels.${i}.name`] = 'each label needs a name'
  })
  const parsed = projectCreateSchema.safeParse(createBody(d))
  if (!parsed.success) {
    const schemaErrors = errorsByPath(parsed.error.issues)
    for (const [path, message] of Object.entries(schemaErrors)) out[path] ??= message
  }
  return out
}

export function checkUpdate(d: SettingsDraft, before: ProjectSummary): FieldErrors {
  const out = commonChecks(d)
  const parsed = projectUpdateSchema.safeParse(updateBody(d, before))
  if (!parsed.success) {
    for (const [path, message] of Object.entries(errorsByPath(parsed.error.issues))) {
      out[path] ??= message
    }
  }
  return out
}

/** Human names for the paths a project form can report, for the error summary. */
export function projectFieldLabel(path: string): string | undefined {
  const fixed: Record<string, string> = {
    id: 'Project id',
    name: 'Name',
    description: 'Description',
    overlap: 'Annotators per item',
    blind: 'Blind mode',
    annotatorsEditBooklet: 'Annotators may edit the booklet',
    allowRemoteMedia: 'Images from other servers',
    labelSchema: 'Label schema',
    'labelSchema.kind': 'Label kind',
    'labelSchema.ordered': 'Ordinal scale',
    'labelSchema.labels': 'Labels',
  }
  if (fixed[path]) return fixed[path]
  const m = /^labelSchema\.labels\.(\d+)\.(id|name|description)$/.exec(path)
  if (m) return `Label ${Number(m[1]) + 1} ${m[2]}`
  return undefined
}
