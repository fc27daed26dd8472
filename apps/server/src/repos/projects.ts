import {
  asProjectId,
  ConcordError,
  labelSchemaSchema,
  type LabelSchema,
  type ProjectCreate,
  type ProjectId,
  type ProjectRole,
  type ProjectUpdate,
  type UserId,
} from '@concord/core'
import { sql, type Kysely, type Selectable, type Updateable } from 'kysely'
import { randomId } from '../auth/random-id'
import type { AuthUser } from '../auth/sessions'
import type { Clock } from '../clock'
import type { Database, ProjectsTable } from '../db/database'
import { isUniqueViolation } from './users'

export interface Project {
  readonly id: ProjectId
  readonly name: string
  readonly description: string
  readonly labelSchema: LabelSchema
  /** K: how many annotators label each item. */
  readonly overlap: number
  readonly blind: boolean
  readonly annotatorsEditBooklet: boolean
  /** Items may show images from other servers (http/https URLs), not only from the media dir. */
  readonly allowRemoteMedia: boolean
  readonly createdAt: number
  readonly updatedAt: number
}

/** A project as its list shows it to one user: the project, the user's role, and progress. */
export interface ProjectSummary extends Project {
  readonly role: ProjectRole
  readonly itemCount: number
  /** Items with at least K labels. */
  readonly completeCount: number
  /** Labels given, over all items and annotators. */
  readonly labelCount: number
  /** Labels the user gave. */
  readonly myLabelCount: number
}

/** Project ids: `p_` and 10 random characters of [a-z0-9]. */
export function newProjectId(): ProjectId {
  return asProjectId(randomId('p_', 10))
}

/** The stored schema is parsed on every read: a hand-edited row fails loudly, not downstream. */
export function toProject(row: Selectable<ProjectsTable>): Project {
  return {
    id: asProjectId(row.id),
    name: row.name,
    description: row.description,
    labelSchema: labelSchemaSchema.parse(JSON.parse(row.label_schema)),
    overlap: row.overlap,
    blind: row.blind === 1,
    annotatorsEditBooklet: row.annotators_edit_booklet === 1,
    allowRemoteMedia: row.allow_remote_media === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

export async function getProject(db: Kysely<Database>, id: string): Promise<Project | undefined> {
  const row = await db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst()
  return row && toProject(row)
}

/**
 * Creates a project (id given or random); `creator`, when given, becomes its admin member. A
 * taken id is a 409.
 */
export async function createProject(
  db: Kysely<Database>,
  input: ProjectCreate,
  clock: Clock,
  creator?: UserId,
): Promise<Project> {
  const now = clock.now()
  const row: Selectable<ProjectsTable> = {
    id: input.id ?? newProjectId(),
    name: input.name,
    description: input.description,
    label_schema: JSON.stringify(input.labelSchema),
    overlap: input.overlap,
    blind: input.blind ? 1 : 0,
    annotators_edit_booklet: input.annotatorsEditBooklet ? 1 : 0,
    allow_remote_media: input.allowRemoteMedia ? 1 : 0,
    created_at: now,
    updated_at: now,
  }
  try {
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('projects').values(row).execute()
      if (creator !== undefined) {
        await trx
          .insertInto('members')
          .values({ project_id: row.id, user_id: creator, role: 'admin', created_at: now })
          .execute()
      }
    })
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new ConcordError('conflict', `a project with id '${row.id}' exists`, [
        { path: 'id', message: 'taken' },
      ])
    }
    throw err
  }
  return toProject(row)
}

/**
 * Changes a project's settings. A new label schema must keep every label already given: the
 * schema's kind cannot change once there are labels, and no label id in use may disappear.
 */
export async function updateProject(
  db: Kysely<Database>,
  id: ProjectId,
  patch: ProjectUpdate,
  clock: Clock,
): Promise<Project> {
  return db.transaction().execute(async (trx) => {
    const current = await getProject(trx, id)
    if (!current) throw new ConcordError('not_found', `no project '${id}'`)
    if (patch.labelSchema) await checkSchemaChange(trx, current, patch.labelSchema)
    const set: Updateable<ProjectsTable> = { updated_at: clock.now() }
    if (patch.name !== undefined) set.name = patch.name
    if (patch.description !== undefined) set.description = patch.description
    if (patch.labelSchema !== undefined) set.label_schema = JSON.stringify(patch.labelSchema)
    if (patch.overlap !== undefined) set.overlap = patch.overlap
    if (patch.blind !== undefined) set.blind = patch.blind ? 1 : 0
    if (patch.annotatorsEditBooklet !== undefined) {
      set.annotators_edit_booklet = patch.annotatorsEditBooklet ? 1 : 0
    }
    if (patch.allowRemoteMedia !== undefined) {
      set.allow_remote_media = patch.allowRemoteMedia ? 1 : 0
    }
    await trx.updateTable('projects').set(set).where('id', '=', id).execute()
    const updated = await getProject(trx, id)
    if (!updated) throw new ConcordError('not_found', `no project '${id}'`)
    return updated
  })
}

async function checkSchemaChange(
  db: Kysely<Database>,
  current: Project,
  next: LabelSchema,
): Promise<void> {
  const used = await db
    .selectFrom('annotations')
    .select('value')
    .distinct()
    .where('project_id', '=', current.id)
    .execute()
  if (used.length === 0) return
  if (next.kind !== current.labelSchema.kind) {
    throw new ConcordError('conflict', 'the schema kind cannot change once items are labelled', [
      {
        path: 'labelSchema.kind',
        message: `labels exist for a ${current.labelSchema.kind} schema`,
      },
    ])
  }
  const ids = new Set(next.labels.map((l) => l.id))
  const missing = new Set<string>()
  for (const { value } of used) {
    for (const id of value.split('|')) if (!ids.has(id)) missing.add(id)
  }
  if (missing.size > 0) {
    const list = [...missing].sort().map((m) => `'${m}'`)
    throw new ConcordError('conflict', `labels in use cannot be removed: ${list.join(', ')}`, [
      { path: 'labelSchema.labels', message: `still used: ${list.join(', ')}` },
    ])
  }
}

/**
 * The projects `user` may see (all of them for a global admin), with their role and progress,
 * newest first. Counts come from the items_queue index (project_id, label_count).
 */
export async function listProjectSummaries(
  db: Kysely<Database>,
  user: AuthUser,
): Promise<ProjectSummary[]> {
  const rows = user.isAdmin
    ? (await db.selectFrom('projects').selectAll().execute()).map((r) => ({
        row: r,
        role: 'admin' as ProjectRole,
      }))
    : (
        await db
          .selectFrom('projects')
          .innerJoin('members', 'members.project_id', 'projects.id')
          .selectAll('projects')
          .select('members.role')
          .where('members.user_id', '=', user.id)
          .execute()
      ).map(({ role, ...r }) => ({ row: r, role }))
  if (rows.length === 0) return []
  const ids = rows.map((r) => r.row.id)
  const stats = await projectStats(db, ids, user.id)
  return rows
    .map(({ row, role }) => {
      const project = toProject(row)
      const s = stats.get(project.id)
      return {
        ...project,
        role,
        itemCount: s?.itemCount ?? 0,
        completeCount: s?.completeCount ?? 0,
        labelCount: s?.labelCount ?? 0,
        myLabelCount: s?.myLabelCount ?? 0,
      }
    })
    .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : 1))
}

interface Stats {
  itemCount: number
  completeCount: number
  labelCount: number
  myLabelCount: number
}

async function projectStats(
  db: Kysely<Database>,
  projectIds: readonly string[],
  userId: UserId,
): Promise<Map<string, Stats>> {
  const out = new Map<string, Stats>()
  const get = (id: string): Stats => {
    let s = out.get(id)
    if (!s) {
      s = { itemCount: 0, completeCount: 0, labelCount: 0, myLabelCount: 0 }
      out.set(id, s)
    }
    return s
  }
  for (let i = 0; i < projectIds.length; i += 500) {
    const chunk = projectIds.slice(i, i + 500)
    const items = await db
      .selectFrom('items')
      .innerJoin('projects', 'projects.id', 'items.project_id')
      .select([
        'items.project_id',
        sql<number>`count(*)`.as('items'),
        sql<number>`coalesce(sum(case when items.label_count >= projects.overlap then 1 else 0 end), 0)`.as(
          'complete',
        ),
        sql<number>`coalesce(sum(items.label_count), 0)`.as('labels'),
      ])
      .where('items.project_id', 'in', chunk)
      .groupBy('items.project_id')
      .execute()
    for (const r of items) {
      const s = get(r.project_id)
      s.itemCount = Number(r.items)
      s.completeCount = Number(r.complete)
      s.labelCount = Number(r.labels)
    }
    const mine = await db
      .selectFrom('annotations')
      .select(['project_id', sql<number>`count(*)`.as('n')])
      .where('annotator_id', '=', userId)
      .where('project_id', 'in', chunk)
      .groupBy('project_id')
      .execute()
    for (const r of mine) get(r.project_id).myLabelCount = Number(r.n)
  }
  return out
}

/** One project's summary for one user who has `role` in it. */
export async function getProjectSummary(
  db: Kysely<Database>,
  project: Project,
  role: ProjectRole,
  user: AuthUser,
): Promise<ProjectSummary> {
  const s = (await projectStats(db, [project.id], user.id)).get(project.id)
  return {
    ...project,
    role,
    itemCount: s?.itemCount ?? 0,
    completeCount: s?.completeCount ?? 0,
    labelCount: s?.labelCount ?? 0,
    myLabelCount: s?.myLabelCount ?? 0,
  }
}
