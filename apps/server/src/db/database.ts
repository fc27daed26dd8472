import type { ColumnType, Generated } from 'kysely'

/** Milliseconds since the epoch. */
type Millis = number

export interface UsersTable {
  id: string
  username: string
  display_name: string
  password_hash: string
  is_admin: number
  created_at: Millis
}

export interface SessionsTable {
  /** SHA-256 of the token: a leaked database does not leak live sessions. */
  token_hash: string
  user_id: string
  created_at: Millis
  expires_at: Millis
}

export interface ProjectsTable {
  id: string
  name: string
  description: string
  /** JSON of a core LabelSchema. */
  label_schema: string
  overlap: number
  blind: number
  annotators_edit_booklet: number
  created_at: Millis
  updated_at: Millis
}

export interface MembersTable {
  project_id: string
  user_id: string
  role: 'admin' | 'reviewer' | 'annotator'
  created_at: Millis
}

export interface ItemsTable {
  id: Generated<number>
  project_id: string
  external_id: string
  text: string | null
  media_url: string | null
  /** JSON object of the imported columns that are neither id nor content. */
  metadata: string
  /** Distinct annotators with a valid label, maintained by the annotations projection. */
  label_count: Generated<number>
  created_at: Millis
}

export interface DocUpdatesTable {
  doc: string
  seq: number
  update: Uint8Array
  created_at: Millis
}

export interface AnnotationsTable {
  project_id: string
  item_id: number
  annotator_id: string
  /** Label id, or label ids joined by '|' for multi-label. */
  value: string
  unsure: number
  note: string
  updated_at: Millis
  /** The version of the label's booklet definition the annotator saw, when the client said. */
  booklet_version: number | null
}

export interface AdjudicationsTable {
  project_id: string
  item_id: number
  /** The decided label id (or ids joined by '|'). */
  label: string
  rationale: string
  decided_by: string
  decided_at: Millis
  session_id: string | null
}

export interface AssignmentsTable {
  project_id: string
  item_id: number
  annotator_id: string
  assigned_at: Millis
  expires_at: Millis
}

export interface ItemFlagsTable {
  project_id: string
  item_id: number
  user_id: string
  note: string
  created_at: Millis
}

export interface Database {
  users: UsersTable
  sessions: SessionsTable
  projects: ProjectsTable
  members: MembersTable
  items: ItemsTable
  doc_updates: DocUpdatesTable
  annotations: AnnotationsTable
  assignments: AssignmentsTable
  item_flags: ItemFlagsTable
  adjudications: AdjudicationsTable
}

export type CreatedAt = ColumnType<Millis, Millis, never>
