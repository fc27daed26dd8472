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
  /** When an administrator disabled the account; NULL while it is enabled. */
  disabled_at: ColumnType<Millis | null, Millis | null | undefined, Millis | null>
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
  /** 1 when items may show images from other servers (see migration 0007). */
  allow_remote_media: ColumnType<number, number | undefined, number>
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

export interface ModelSettingsTable {
  project_id: string
  /** Who sees suggestions: 'auto' | 'hidden' | 'reviewers' | 'everyone'. */
  suggestions: Generated<string>
  /** A core QueueOrder. */
  queue_order: Generated<string>
  /** Retrain once the consensus labels grew by this many since the last trained model. */
  retrain_every: Generated<number>
  /** A pinned model; null follows the newest model. */
  active_model: string | null
  clusters_k: number | null
  /** Unused since migration 0005 (the featurizer is in featurizer_parts); kept, and null. */
  featurizer: string | null
  /** How many featurizer_parts make the project's featurizer; null while there is none. */
  featurizer_parts: number | null
}

/** The built-in text featurizer's JSON, as UTF-8 in parts (see migration 0005). */
export interface FeaturizerPartsTable {
  project_id: string
  part: number
  bytes: Uint8Array
}

export interface ModelsTable {
  id: string
  project_id: string
  version: number
  /** 'encoder': an uploaded image encoder that makes embeddings, never a classifier. */
  kind: 'trained' | 'uploaded' | 'encoder'
  name: string
  /** JSON of the model's manifest (input, output, labels in output order). */
  manifest: string
  onnx: Uint8Array
  /** JSON: cross-validated accuracy and macro-F1 of a trained model. */
  metrics: string | null
  /** Consensus labels the model was trained on (0 for an uploaded model). */
  labels_count: number
  created_at: Millis
  /**
   * 'pending' until the model's first prediction pass over its project succeeds, then 'ok';
   * 'failed' (with `error`) when a pass failed. Only an 'ok' model can be active (migration 0008).
   */
  status: ColumnType<ModelStatus, ModelStatus | undefined, ModelStatus>
  /** Why the model failed, the runtime's words; NULL unless status is 'failed'. */
  error: ColumnType<string | null, string | null | undefined, string | null>
}

export type ModelStatus = 'pending' | 'ok' | 'failed'

export interface EmbeddingsTable {
  item_id: number
  project_id: string
  source: 'builtin' | 'imported' | 'encoder'
  /** Float32 little-endian. */
  vector: Uint8Array
}

export interface PredictionsTable {
  item_id: number
  project_id: string
  model_id: string
  /** Float32 class probabilities in the order of the model's labels. */
  proba: Uint8Array
  /** Out-of-fold probabilities, for items the model was trained on. */
  oof: Uint8Array | null
}

export interface ItemClustersTable {
  item_id: number
  project_id: string
  cluster: number
  x: number | null
  y: number | null
}

export interface QueuePriorityTable {
  item_id: number
  project_id: string
  score: number
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
  model_settings: ModelSettingsTable
  featurizer_parts: FeaturizerPartsTable
  models: ModelsTable
  embeddings: EmbeddingsTable
  predictions: PredictionsTable
  item_clusters: ItemClustersTable
  queue_priority: QueuePriorityTable
}

export type CreatedAt = ColumnType<Millis, Millis, never>
