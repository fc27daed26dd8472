import type { ProjectId } from '@concord/core'
import type { QueueOrder } from '@concord/core/ml'
import { sql, type CompiledQuery, type Insertable, type Kysely, type Selectable } from 'kysely'
import type { Database, EmbeddingsTable, ModelStatus, ModelsTable } from '../db/database'
import { FEATURIZER_PART_BYTES } from '../db/migrations/0005-featurizer-parts'

/** Who sees the model's suggestions while labelling. */
export type SuggestionsVisibility = 'auto' | 'hidden' | 'reviewers' | 'everyone'

export interface ModelSettings {
  readonly suggestions: SuggestionsVisibility
  readonly queueOrder: QueueOrder
  readonly retrainEvery: number
  /** A pinned model; null follows the newest one. */
  readonly activeModel: string | null
  readonly clustersK: number | null
}

export const DEFAULT_SETTINGS: ModelSettings = {
  suggestions: 'auto',
  queueOrder: 'default',
  retrainEvery: 50,
  activeModel: null,
  clustersK: null,
}

export async function getSettings(
  db: Kysely<Database>,
  projectId: ProjectId,
): Promise<ModelSettings> {
  const row = await db
    .selectFrom('model_settings')
    .selectAll()
    .where('project_id', '=', projectId)
    .executeTakeFirst()
  if (!row) return DEFAULT_SETTINGS
  return {
    suggestions: row.suggestions as SuggestionsVisibility,
    queueOrder: row.queue_order as QueueOrder,
    retrainEvery: row.retrain_every,
    activeModel: row.active_model,
    clustersK: row.clusters_k,
  }
}

export async function updateSettings(
  db: Kysely<Database>,
  projectId: ProjectId,
  patch: Partial<ModelSettings>,
): Promise<ModelSettings> {
  const next = { ...(await getSettings(db, projectId)), ...patch }
  const row = {
    project_id: projectId,
    suggestions: next.suggestions,
    queue_order: next.queueOrder,
    retrain_every: next.retrainEvery,
    active_model: next.activeModel,
    clusters_k: next.clustersK,
  }
  await db
    .insertInto('model_settings')
    .values(row)
    .onConflict((oc) => oc.column('project_id').doUpdateSet(row))
    .execute()
  return next
}

/**
 * Stores the project's featurizer (its JSON as UTF-8) part by part, each part its own short
 * transaction with a turn of the event loop between them; the part count, which readers check,
 * is set last. A featurizer stored before is replaced.
 */
export async function storeFeaturizer(
  db: Kysely<Database>,
  projectId: ProjectId,
  bytes: Uint8Array,
): Promise<void> {
  await updateSettings(db, projectId, {})
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('model_settings')
      .set({ featurizer_parts: null })
      .where('project_id', '=', projectId)
      .execute()
    await trx.deleteFrom('featurizer_parts').where('project_id', '=', projectId).execute()
  })
  let parts = 0
  for (let at = 0; at < bytes.length; at += FEATURIZER_PART_BYTES, parts++) {
    await db
      .insertInto('featurizer_parts')
      .values({
        project_id: projectId,
        part: parts,
        bytes: bytes.subarray(at, at + FEATURIZER_PART_BYTES),
      })
      .execute()
    await new Promise((resolve) => setImmediate(resolve))
  }
  await db
    .updateTable('model_settings')
    .set({ featurizer_parts: parts })
    .where('project_id', '=', projectId)
    .execute()
}

export interface ModelRecord {
  readonly id: string
  readonly version: number
  readonly kind: ModelsTable['kind']
  readonly name: string
  readonly manifest: unknown
  readonly metrics: unknown
  readonly labelsCount: number
  readonly createdAt: number
  /** See ModelsTable.status: only an 'ok' model can be active. */
  readonly status: ModelStatus
  /** Why the model failed, when it did. */
  readonly error: string | null
}

function toRecord(row: Omit<Selectable<ModelsTable>, 'onnx' | 'project_id'>): ModelRecord {
  return {
    id: row.id,
    version: row.version,
    kind: row.kind,
    name: row.name,
    manifest: JSON.parse(row.manifest) as unknown,
    metrics: row.metrics === null ? null : (JSON.parse(row.metrics) as unknown),
    labelsCount: row.labels_count,
    createdAt: row.created_at,
    status: row.status,
    error: row.error,
  }
}

const SUMMARY_COLUMNS = [
  'id',
  'version',
  'kind',
  'name',
  'manifest',
  'metrics',
  'labels_count',
  'created_at',
  'status',
  'error',
] as const

/** Models that predict labels; encoders only make embeddings and are never active. */
const CLASSIFIER_KINDS = ['trained', 'uploaded'] as const

/** The project's classifiers, newest first. */
export async function listModels(
  db: Kysely<Database>,
  projectId: ProjectId,
): Promise<ModelRecord[]> {
  const rows = await db
    .selectFrom('models')
    .select(SUMMARY_COLUMNS)
    .where('project_id', '=', projectId)
    .where('kind', 'in', CLASSIFIER_KINDS)
    .orderBy('version', 'desc')
    .execute()
  return rows.map(toRecord)
}

/**
 * The model in use: the pinned one, else the newest; either only once it has passed a
 * prediction pass over the project (status 'ok'). A pinned model that is not 'ok' leaves the
 * newest working one in use, so a model that fails never takes suggestions down.
 */
export async function activeModel(
  db: Kysely<Database>,
  projectId: ProjectId,
): Promise<ModelRecord | undefined> {
  const settings = await getSettings(db, projectId)
  const working = db
    .selectFrom('models')
    .select(SUMMARY_COLUMNS)
    .where('project_id', '=', projectId)
    .where('kind', 'in', CLASSIFIER_KINDS)
    .where('status', '=', 'ok')
  const pinned = settings.activeModel
    ? await working.where('id', '=', settings.activeModel).executeTakeFirst()
    : undefined
  const row = pinned ?? (await working.orderBy('version', 'desc').limit(1).executeTakeFirst())
  return row ? toRecord(row) : undefined
}

/** One model as listed (no bytes), or undefined. */
export async function getModel(
  db: Kysely<Database>,
  modelId: string,
): Promise<ModelRecord | undefined> {
  const row = await db
    .selectFrom('models')
    .select(SUMMARY_COLUMNS)
    .where('id', '=', modelId)
    .executeTakeFirst()
  return row ? toRecord(row) : undefined
}

/** Records the outcome of a model's prediction pass: 'ok', or 'failed' with the reason. */
export async function setModelStatus(
  db: Kysely<Database>,
  modelId: string,
  status: ModelStatus,
  error: string | null = null,
): Promise<void> {
  await db.updateTable('models').set({ status, error }).where('id', '=', modelId).execute()
}

/** The project's image encoder: the newest uploaded one replaces the others. */
export async function projectEncoder(
  db: Kysely<Database>,
  projectId: ProjectId,
): Promise<ModelRecord | undefined> {
  const row = await db
    .selectFrom('models')
    .select(SUMMARY_COLUMNS)
    .where('project_id', '=', projectId)
    .where('kind', '=', 'encoder')
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst()
  return row ? toRecord(row) : undefined
}

export async function modelBytes(db: Kysely<Database>, modelId: string): Promise<Uint8Array> {
  const row = await db
    .selectFrom('models')
    .select('onnx')
    .where('id', '=', modelId)
    .executeTakeFirstOrThrow()
  return row.onnx
}

export async function insertModel(
  db: Kysely<Database>,
  projectId: ProjectId,
  model: Omit<Insertable<ModelsTable>, 'project_id' | 'version'>,
): Promise<ModelRecord> {
  return db.transaction().execute(async (trx) => {
    const top = await trx
      .selectFrom('models')
      .select((eb) => eb.fn.max('version').as('v'))
      .where('project_id', '=', projectId)
      .executeTakeFirst()
    const version = Number(top?.v ?? 0) + 1
    await trx
      .insertInto('models')
      .values({ ...model, project_id: projectId, version })
      .execute()
    return toRecord({
      ...model,
      version,
      metrics: model.metrics ?? null,
      labels_count: model.labels_count,
      status: model.status ?? 'ok',
      error: model.error ?? null,
    })
  })
}

// ---- vectors ------------------------------------------------------------------------------

export function floatsToBlob(v: Float32Array): Uint8Array {
  return new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength))
}

export function blobToFloats(b: Uint8Array): Float32Array {
  // A copy: SQLite's buffers are not guaranteed to be 4-byte aligned.
  const copy = new Uint8Array(b.byteLength)
  copy.set(b)
  return new Float32Array(copy.buffer)
}

const WRITE_CHUNK = 100

/** How long one slice of a bulk write may hold the event loop. */
const SLICE_MS = 1

/**
 * Bulk writes (100,000 embeddings, predictions) go in slices of about a millisecond, each its
 * own transaction, with a turn of the event loop between them: one big transaction would hold
 * the connection, and the event loop, for the whole write while sync peers wait. Every row is one
 * execution of the same statement (prepared once, see statement-cache), built from `row(0)`:
 * building a many-row statement per chunk cost more than the writes themselves.
 */
async function writeInSlices<T extends Record<string, unknown>>(
  db: Kysely<Database>,
  count: number,
  row: (index: number) => T,
  statement: (sample: T) => CompiledQuery,
): Promise<void> {
  if (count === 0) return
  const sample = row(0)
  const compiled = statement(sample)
  // Parameters are positional, in the order of the row's keys: fail before writing if not.
  if (compiled.parameters.length !== Object.keys(sample).length) {
    throw new Error(
      `bulk statement has ${compiled.parameters.length} parameters, rows have ${Object.keys(sample).length} values`,
    )
  }
  let next = 0
  while (next < count) {
    await db.transaction().execute(async (trx) => {
      const started = performance.now()
      do {
        await trx.executeQuery({ ...compiled, parameters: Object.values(row(next)) })
        next++
      } while (next < count && performance.now() - started < SLICE_MS)
    })
    await yieldToEventLoop()
  }
}

const yieldToEventLoop = () => new Promise((resolve) => setImmediate(resolve))

/**
 * Deletes the rows `select` picks (a query of at most WRITE_CHUNK rowids), chunk by chunk, for
 * the same reason: deleting 100,000 predictions in one statement stalls the event loop.
 */
async function deleteInChunks(
  db: Kysely<Database>,
  table: 'predictions' | 'queue_priority',
  projectId: ProjectId,
  except?: { readonly modelId: string },
): Promise<void> {
  for (;;) {
    const result = await db
      .deleteFrom(table)
      .where('item_id', 'in', (eb) => {
        let q = eb
          .selectFrom(table)
          .select('item_id')
          .where('project_id', '=', projectId)
          .limit(WRITE_CHUNK)
        if (except && table === 'predictions') {
          q = q.where(sql.ref('model_id'), '!=', except.modelId)
        }
        return q
      })
      .executeTakeFirst()
    if (Number(result.numDeletedRows) === 0) return
    await yieldToEventLoop()
  }
}

export async function storeEmbeddings(
  db: Kysely<Database>,
  projectId: ProjectId,
  source: EmbeddingsTable['source'],
  ids: readonly number[],
  X: Float32Array,
  d: number,
): Promise<void> {
  const row = (i: number) => ({
    item_id: ids[i]!,
    project_id: projectId,
    source,
    vector: floatsToBlob(X.subarray(i * d, (i + 1) * d)),
  })
  await writeInSlices(db, ids.length, row, (sample) =>
    db
      .insertInto('embeddings')
      .values(sample)
      .onConflict((oc) =>
        oc.column('item_id').doUpdateSet((eb) => ({
          source: eb.ref('excluded.source'),
          vector: eb.ref('excluded.vector'),
        })),
      )
      .compile(),
  )
}

/** The project's first `limit` embeddings in item id order (what predictions start with). */
export async function sampleEmbeddings(
  db: Kysely<Database>,
  projectId: ProjectId,
  limit: number,
): Promise<{ X: Float32Array; n: number; d: number }> {
  const rows = await db
    .selectFrom('embeddings')
    .select('vector')
    .where('project_id', '=', projectId)
    .orderBy('item_id')
    .limit(limit)
    .execute()
  const d = rows[0] ? rows[0].vector.byteLength / 4 : 0
  const usable = rows.filter((r) => r.vector.byteLength === d * 4)
  const X = new Float32Array(usable.length * d)
  usable.forEach((r, i) => X.set(blobToFloats(r.vector), i * d))
  return { X, n: usable.length, d }
}

/**
 * How many of the project's items have an embedding and their width (0 when none), without
 * reading the vectors: the count comes from the (project, item) index, the width from one row.
 */
export async function embeddingShape(
  db: Kysely<Database>,
  projectId: ProjectId,
): Promise<{ count: number; d: number }> {
  const counted = await db
    .selectFrom('embeddings')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('project_id', '=', projectId)
    .executeTakeFirstOrThrow()
  const first = await db
    .selectFrom('embeddings')
    .select(sql<number>`length(vector)`.as('bytes'))
    .where('project_id', '=', projectId)
    .limit(1)
    .executeTakeFirst()
  return { count: Number(counted.n), d: first ? first.bytes / 4 : 0 }
}

/** Where the project's embeddings came from ('builtin', 'imported', 'encoder'). */
export async function embeddingSources(
  db: Kysely<Database>,
  projectId: ProjectId,
): Promise<string[]> {
  const rows = await db
    .selectFrom('embeddings')
    .select('source')
    .distinct()
    .where('project_id', '=', projectId)
    .execute()
  return rows.map((r) => r.source)
}

/** Rows per page of a bulk read, with a turn of the event loop between pages. */
const READ_PAGE = 5000

export async function loadEmbeddings(
  db: Kysely<Database>,
  projectId: ProjectId,
): Promise<{ ids: number[]; X: Float32Array; d: number; sources: Set<string> }> {
  const ids: number[] = []
  const vectors: Uint8Array[] = []
  const sources = new Set<string>()
  let after = 0
  for (;;) {
    const page = await db
      .selectFrom('embeddings')
      .select(['item_id', 'vector', 'source'])
      .where('project_id', '=', projectId)
      .where('item_id', '>', after)
      .orderBy('item_id')
      .limit(READ_PAGE)
      .execute()
    for (const r of page) {
      ids.push(r.item_id)
      vectors.push(r.vector)
      sources.add(r.source)
    }
    if (page.length < READ_PAGE) break
    after = page[page.length - 1]!.item_id
    await new Promise((resolve) => setImmediate(resolve))
  }
  const d = vectors.length > 0 ? vectors[0]!.byteLength / 4 : 0
  const X = new Float32Array(vectors.length * d)
  vectors.forEach((v, i) => X.set(blobToFloats(v), i * d))
  return { ids, X, d, sources }
}

/**
 * Replaces the project's predictions by the model's. Rows are upserted chunk by chunk (each row
 * names its model, so readers never mix models), then rows of other models are dropped.
 */
export async function storePredictions(
  db: Kysely<Database>,
  projectId: ProjectId,
  modelId: string,
  ids: readonly number[],
  proba: Float32Array,
  k: number,
  oof: ReadonlyMap<number, Float32Array>,
): Promise<void> {
  const row = (i: number) => {
    const o = oof.get(ids[i]!)
    return {
      item_id: ids[i]!,
      project_id: projectId,
      model_id: modelId,
      proba: floatsToBlob(proba.subarray(i * k, (i + 1) * k)),
      oof: o ? floatsToBlob(o) : null,
    }
  }
  await writeInSlices(db, ids.length, row, (sample) =>
    db
      .insertInto('predictions')
      .values(sample)
      .onConflict((oc) =>
        oc.column('item_id').doUpdateSet((eb) => ({
          model_id: eb.ref('excluded.model_id'),
          proba: eb.ref('excluded.proba'),
          oof: eb.ref('excluded.oof'),
        })),
      )
      .compile(),
  )
  await deleteInChunks(db, 'predictions', projectId, { modelId })
}

export interface PredictionRow {
  readonly itemId: number
  readonly modelId: string
  readonly proba: Float32Array
  readonly oof: Float32Array | null
}

export async function loadPredictions(
  db: Kysely<Database>,
  projectId: ProjectId,
  itemId?: number,
): Promise<PredictionRow[]> {
  let q = db
    .selectFrom('predictions')
    .select(['item_id', 'model_id', 'proba', 'oof'])
    .where('project_id', '=', projectId)
  if (itemId !== undefined) q = q.where('item_id', '=', itemId)
  const rows = await q.orderBy('item_id').execute()
  return rows.map((r) => ({
    itemId: r.item_id,
    modelId: r.model_id,
    proba: blobToFloats(r.proba),
    oof: r.oof ? blobToFloats(r.oof) : null,
  }))
}

export async function storeClusters(
  db: Kysely<Database>,
  projectId: ProjectId,
  ids: readonly number[],
  assignments: Int32Array,
  xy: Float32Array | null,
): Promise<void> {
  const row = (i: number) => ({
    item_id: ids[i]!,
    project_id: projectId,
    cluster: assignments[i]!,
    x: xy ? xy[2 * i]! : null,
    y: xy ? xy[2 * i + 1]! : null,
  })
  await writeInSlices(db, ids.length, row, (sample) =>
    db
      .insertInto('item_clusters')
      .values(sample)
      .onConflict((oc) =>
        oc.column('item_id').doUpdateSet((eb) => ({
          cluster: eb.ref('excluded.cluster'),
          x: eb.ref('excluded.x'),
          y: eb.ref('excluded.y'),
        })),
      )
      .compile(),
  )
}

export async function loadClusters(
  db: Kysely<Database>,
  projectId: ProjectId,
): Promise<{ itemId: number; cluster: number; x: number | null; y: number | null }[]> {
  const rows = await db
    .selectFrom('item_clusters')
    .select(['item_id', 'cluster', 'x', 'y'])
    .where('project_id', '=', projectId)
    .orderBy('item_id')
    .execute()
  return rows.map((r) => ({ itemId: r.item_id, cluster: r.cluster, x: r.x, y: r.y }))
}

export async function storeQueuePriority(
  db: Kysely<Database>,
  projectId: ProjectId,
  scores: ReadonlyMap<number, number>,
): Promise<void> {
  if (scores.size === 0) {
    await deleteInChunks(db, 'queue_priority', projectId)
    return
  }
  const entries = [...scores]
  const row = (i: number) => ({
    item_id: entries[i]![0],
    project_id: projectId,
    score: entries[i]![1],
  })
  await writeInSlices(db, entries.length, row, (sample) =>
    db
      .insertInto('queue_priority')
      .values(sample)
      .onConflict((oc) =>
        oc.column('item_id').doUpdateSet((eb) => ({ score: eb.ref('excluded.score') })),
      )
      .compile(),
  )
}
