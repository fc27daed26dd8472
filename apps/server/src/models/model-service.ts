import { ConcordError, type ProjectId } from '@concord/core'
import {
  clusterStats,
  DEFAULT_L2,
  findLabelIssues,
  rankForQueue,
  mulberry32,
  type ClusterStat,
  type QueueOrder,
} from '@concord/core/ml'
import { cohenKappa, compileTable, krippendorffAlpha, type Annotation } from '@concord/metrics'
import type { ServerContext } from '../context'
import { currentStore, consensusOf, votesOf } from '../agreement/agreement-service'
import type { AnnotationStore } from '../agreement/annotation-store'
import { countItems, itemIdsOf } from '../repos/items'
import { memberRole } from '../repos/members'
import { getProject, type Project } from '../repos/projects'
import { randomId } from '../auth/random-id'
import {
  activeModel,
  embeddingShape,
  embeddingSources,
  getModel,
  getSettings,
  insertModel,
  listModels,
  loadClusters,
  loadPredictions,
  modelBytes,
  projectEncoder,
  sampleEmbeddings,
  setModelStatus,
  storeFeaturizer,
  storeClusters,
  storeEmbeddings,
  storePredictions,
  storeQueuePriority,
  updateSettings,
  type ModelRecord,
  type ModelSettings,
} from './model-repo'
import { inspectOnnx } from './onnx/inspect-onnx'
import { ModelError } from './onnx/model-error'
import { logRegToOnnx } from './onnx/write-logreg-onnx'
import {
  encoderManifestSchema,
  manifestRole,
  modelManifestSchema,
  validateEncoder,
  validateModelForProject,
  type EncoderManifest,
  type ModelManifest,
} from './manifest'
import { realMediaPath } from '../media/open-media-file'
import { imageTensorSize } from './runtime/image-preprocess'
import { ModelRunner, ModelWorkerError } from './runtime/model-runner'
import { UMAP_MAX_ROWS } from './runtime/project-2d'
import { yieldPolicyFor } from './runtime/yielding-pace'

export interface MapProgress {
  /** What is being done now, in words. */
  step: string
  /** When the computation started (ms since the epoch). */
  readonly startedAt: number
  /** Items being mapped, once known. */
  items?: number
}

export interface ShadowScore {
  readonly n: number
  readonly agreement: number | null
  readonly kappa: number | null
  readonly reason?: string
}

export interface ShadowReport {
  readonly model: { id: string; version: number; annotator: string }
  readonly vsConsensus: ShadowScore
  readonly annotators: ReadonlyArray<ShadowScore & { id: string }>
  readonly overall: { alphaHumans: number | null; alphaWithModel: number | null }
}

export type TrainingState = 'idle' | 'queued' | 'running'

export interface TrainingStatus {
  readonly state: TrainingState
  readonly step?: string
  readonly reason?: string
  readonly lastError?: string
}

/** Cross-validation folds of a trained model. */
const FOLDS = 5
/** The trainer's options, the same for the final model and for every fold. */
export const TRAINING = { l2: DEFAULT_L2 } as const
/** Quiet time after a label change before the retrain check runs (labels arrive in bursts). */
const CHECK_DELAY_MS = 1000
/** Feature rows an uploaded classifier is tried on before it is stored. */
const PROBE_ROWS = 8
/** Images per encoder batch: bounds the decoded pixels held at once. */
const ENCODER_BATCH = 64
/** Reasons quoted in the report of items whose image could not be used. */
const REPORTED_REASONS = 5

/** Items whose image the encoder could not embed; they stay without an embedding. */
export interface SkippedImages {
  readonly count: number
  /** The first few, as '<item external id>: <reason>'. */
  readonly reasons: readonly string[]
}

/** Default number of k-means clusters: about sqrt(n / 2), within [2, 50]. */
function defaultK(n: number): number {
  return Math.max(2, Math.min(50, Math.round(Math.sqrt(n / 2))))
}

interface Job {
  state: TrainingState
  step?: string
  reason: string
}

/**
 * The model loop of every project: embeddings, training on the consensus labels, predictions,
 * clusters, the queue priority, likely mislabeled items. Heavy work (featurizing, training,
 * inference, k-means, projections) runs in the model worker thread, one job at a time for the
 * whole server, so it never stalls sync; this class only moves data and keeps state.
 */
export class ModelService {
  private readonly jobs = new Map<ProjectId, Job>()
  private readonly errors = new Map<ProjectId, string>()
  private readonly checkTimers = new Map<ProjectId, NodeJS.Timeout>()
  /** k-means runs in flight, so that simultaneous requests share one. */
  private readonly clustering = new Map<ProjectId, Promise<void>>()
  private readonly embedding = new Map<ProjectId, Promise<unknown>>()
  /** What the clusters-and-map computation of a project is doing, while it runs. */
  private readonly mapping = new Map<ProjectId, MapProgress>()
  private chain: Promise<void> = Promise.resolve()
  private closed = false
  /** Trainings started per project since start-up (tests count retrains with it). */
  readonly trainings = new Map<ProjectId, number>()

  constructor(
    private readonly ctx: ServerContext,
    // One onnxruntime thread: inference shares two cores with the server's event loop.
    private readonly runner: ModelRunner = new ModelRunner({
      ortThreads: 1,
      dbFile: ctx.options.dbFile,
      yieldToSync: yieldPolicyFor(ctx.options.modelShareWhileEditing),
    }),
  ) {}

  status(projectId: ProjectId): TrainingStatus {
    const job = this.jobs.get(projectId)
    const lastError = this.errors.get(projectId)
    return {
      state: job?.state ?? 'idle',
      ...(job?.step ? { step: job.step } : {}),
      ...(job ? { reason: job.reason } : {}),
      ...(lastError ? { lastError } : {}),
    }
  }

  /** Called for sync traffic: model computation gives way while people edit (YieldPolicy). */
  noteSyncActivity(): void {
    this.runner.noteSyncActivity(this.ctx.clock.now())
  }

  /** Called after commits that changed labels or adjudications of these projects. */
  onLabelsChanged(projects: Iterable<string>): void {
    if (this.closed) return
    for (const p of projects) {
      const projectId = p as ProjectId
      clearTimeout(this.checkTimers.get(projectId))
      const timer = setTimeout(() => {
        this.checkTimers.delete(projectId)
        this.checkRetrain(projectId).catch((err: unknown) => this.fail(projectId, err))
      }, CHECK_DELAY_MS)
      timer.unref()
      this.checkTimers.set(projectId, timer)
    }
  }

  /** Queues a training when the consensus grew by `retrainEvery` since the newest trained model. */
  async checkRetrain(projectId: ProjectId): Promise<boolean> {
    if (this.jobs.has(projectId)) return false
    const project = await getProject(this.ctx.db, projectId)
    if (!project || project.labelSchema.kind !== 'single') return false
    const settings = await getSettings(this.ctx.db, projectId)
    const consensus = await this.consensusLabels(project)
    const trained = (await listModels(this.ctx.db, projectId)).find((m) => m.kind === 'trained')
    const since = consensus.size - (trained?.labelsCount ?? 0)
    if (since < settings.retrainEvery) return false
    this.enqueue(projectId, `${since} new consensus labels`)
    return true
  }

  /** Queues a training now (on demand). */
  requestTraining(projectId: ProjectId, reason = 'requested'): void {
    this.enqueue(projectId, reason)
  }

  /** Resolves when every queued job has run (tests, shutdown). */
  async idle(): Promise<void> {
    let seen: Promise<void>
    do {
      seen = this.chain
      await seen
    } while (seen !== this.chain)
  }

  async close(): Promise<void> {
    this.closed = true
    for (const t of this.checkTimers.values()) clearTimeout(t)
    await this.idle().catch(() => {})
    await this.runner.close()
  }

  private enqueue(projectId: ProjectId, reason: string): void {
    if (this.closed || this.jobs.has(projectId)) return
    const job: Job = { state: 'queued', reason }
    this.jobs.set(projectId, job)
    this.chain = this.chain.then(async () => {
      job.state = 'running'
      this.trainings.set(projectId, (this.trainings.get(projectId) ?? 0) + 1)
      try {
        await this.train(projectId, job)
        this.errors.delete(projectId)
      } catch (err) {
        this.fail(projectId, err)
      } finally {
        this.jobs.delete(projectId)
      }
      // Labels that arrived while training count toward the next model.
      if (!this.closed) await this.checkRetrain(projectId).catch(() => false)
    })
  }

  /** Runs `work` after the jobs already queued; a failure is reported like a training's. */
  private afterCurrentJobs(projectId: ProjectId, work: () => Promise<unknown>): void {
    if (this.closed) return
    this.chain = this.chain.then(() =>
      work().then(
        () => {},
        (err: unknown) => this.fail(projectId, err),
      ),
    )
  }

  /**
   * New items get their embeddings and, when the project has an active model, its predictions
   * (so suggestions and the model's queue orders cover them) without waiting for the next
   * training.
   */
  onItemsImported(projectId: ProjectId): void {
    this.afterCurrentJobs(projectId, async () => {
      const model = await activeModel(this.ctx.db, projectId)
      if (model) await this.refreshPredictions(projectId, model)
      else if (await projectEncoder(this.ctx.db, projectId)) {
        await this.ensureEmbeddings(await this.requireProject(projectId))
      }
    })
  }

  private fail(projectId: ProjectId, err: unknown): void {
    const message = err instanceof Error ? err.message : String(err)
    this.errors.set(projectId, message)
    this.ctx.log.error('model job failed', { project: projectId, error: message })
  }

  // ---- training ------------------------------------------------------------------------------

  private async train(projectId: ProjectId, job: Job): Promise<void> {
    const project = await this.requireProject(projectId)
    if (project.labelSchema.kind !== 'single') {
      throw new ConcordError('bad_request', 'models are trained for single-label projects only')
    }
    job.step = 'embedding items'
    await this.ensureEmbeddings(project)
    job.step = 'collecting consensus labels'
    const labels = project.labelSchema.labels.map((l) => l.id)
    const consensus = await this.consensusLabels(project)
    const itemIds: number[] = []
    const y: number[] = []
    // In item id order, as the folds are drawn in row order: the same labels, the same model.
    for (const [itemId, label] of [...consensus].sort((p, q) => p[0] - q[0])) {
      const code = labels.indexOf(label)
      if (code >= 0) {
        itemIds.push(itemId)
        y.push(code)
      }
    }
    const present = new Set(y)
    if (present.size < 2) {
      throw new ConcordError(
        'not_ready',
        `training needs consensus labels of at least two classes; this project has ${present.size}`,
      )
    }
    job.step = `training on ${itemIds.length} labels`
    // The worker reads the labelled items' embeddings itself.
    const trained = await this.runner.trainProject({
      projectId,
      itemIds: Int32Array.from(itemIds),
      y: Int32Array.from(y),
      k: labels.length,
      folds: FOLDS,
      l2: TRAINING.l2,
      seed: 1,
    })
    const manifest: ModelManifest = {
      name: 'Concord logistic regression',
      inputName: 'features',
      outputName: 'probabilities',
      inputKind: 'builtin-text',
      labels,
      output: 'probabilities',
    }
    const onnx = logRegToOnnx(trained.model, {
      inputName: 'features',
      outputName: 'probabilities',
      labels,
    })
    const record = await insertModel(this.ctx.db, projectId, {
      id: randomId('m_', 10),
      kind: 'trained',
      name: manifest.name,
      manifest: JSON.stringify(manifest),
      onnx,
      metrics: JSON.stringify({ ...trained.cv, trainedOn: trained.itemIds.length }),
      labels_count: consensus.size,
      created_at: this.ctx.clock.now(),
      status: 'pending',
    })
    const oof = new Map<number, Float32Array>()
    const k = labels.length
    trained.itemIds.forEach((id, i) => oof.set(id, trained.oof.slice(i * k, (i + 1) * k)))
    job.step = 'predicting every item'
    await this.refreshPredictions(projectId, record, oof)
    this.ctx.log.info('model trained', {
      project: projectId,
      version: record.version,
      labels: trained.itemIds.length,
      accuracy: trained.cv.accuracy,
    })
  }

  /**
   * Runs a model over every item: the active one (new items, a new pin), or a new one
   * ('pending'), which becomes usable only when this pass succeeds. A pass that fails marks the
   * model 'failed' with the runtime's error: a new model then never becomes active, and an
   * active one gives way to the newest working model, whose predictions are made again here.
   * Then the queue priority is recomputed.
   */
  async refreshPredictions(
    projectId: ProjectId,
    model: ModelRecord,
    oof: ReadonlyMap<number, Float32Array> = new Map(),
  ): Promise<void> {
    let next: ModelRecord | undefined = model
    let passOof = oof
    // Each failure marks one model failed, so this ends after at most every model of the project.
    while (next) {
      const outcome = await this.predictionPass(projectId, next, passOof)
      // A new model that failed changed nothing; an active one that failed has a successor.
      if (outcome !== 'active-failed') break
      passOof = new Map()
      next = await activeModel(this.ctx.db, projectId)
    }
    await this.refreshQueuePriority(projectId)
  }

  /** One model's pass over the project; see refreshPredictions. */
  private async predictionPass(
    projectId: ProjectId,
    model: ModelRecord,
    oof: ReadonlyMap<number, Float32Array>,
  ): Promise<'stored' | 'skipped' | 'refused' | 'active-failed'> {
    const current = await getModel(this.ctx.db, model.id)
    if (!current || current.status === 'failed') return 'skipped'
    const active = await activeModel(this.ctx.db, projectId)
    if (current.status === 'ok' && active?.id !== current.id) return 'skipped'
    await this.ensureEmbeddings(await this.requireProject(projectId))
    const manifest = modelManifestSchema.parse(current.manifest)
    let predicted: { ids: Int32Array; proba: Float32Array }
    try {
      await this.runner.load(current.id, await modelBytes(this.ctx.db, current.id))
      // The worker reads the embeddings itself; only the probabilities come back.
      predicted = await this.runner.predictProject(current.id, projectId, {
        softmax: manifest.output === 'logits',
      })
      const k = manifest.labels.length
      if (predicted.proba.length !== predicted.ids.length * k) {
        throw new ConcordError(
          'invalid_model',
          `the model gives ${predicted.proba.length / Math.max(1, predicted.ids.length)} scores per item; its manifest names ${k} labels`,
        )
      }
    } catch (err) {
      // A server shutting down says nothing about the model.
      if (err instanceof ModelWorkerError && err.reason === 'closed') throw err
      const message = err instanceof Error ? err.message : String(err)
      await setModelStatus(this.ctx.db, current.id, 'failed', message)
      this.ctx.log.error('model failed; the previous working model stays in use', {
        project: projectId,
        model: current.id,
        version: current.version,
        error: message,
      })
      return current.status === 'ok' ? 'active-failed' : 'refused'
    } finally {
      await this.runner.unload(current.id).catch(() => {})
    }
    if (current.status === 'pending') await setModelStatus(this.ctx.db, current.id, 'ok')
    // A working model that another (pinned) one outranks keeps that one's predictions.
    if ((await activeModel(this.ctx.db, projectId))?.id !== current.id) return 'skipped'
    await storePredictions(
      this.ctx.db,
      projectId,
      current.id,
      Array.from(predicted.ids),
      predicted.proba,
      manifest.labels.length,
      oof,
    )
    return 'stored'
  }

  // ---- embeddings ----------------------------------------------------------------------------

  /**
   * Every item's embedding, in item id order: imported ones as they are; items with media
   * through the project's image encoder when it has one; for the rest the built-in text
   * featurizer, fitted once on the project's texts (its IDF is kept, so new items land in the
   * same space). Items whose image cannot be used are skipped (left without an embedding) and
   * reported in `skipped`, so one bad file does not stop the project.
   */
  async ensureEmbeddings(
    project: Project,
  ): Promise<{ count: number; d: number; skipped: SkippedImages }> {
    // One embedding run per project at a time: two would both fit a featurizer.
    const previous = this.embedding.get(project.id) ?? Promise.resolve()
    const run = previous.catch(() => {}).then(() => this.embedMissing(project))
    this.embedding.set(project.id, run)
    try {
      return await run
    } finally {
      if (this.embedding.get(project.id) === run) this.embedding.delete(project.id)
    }
  }

  private async embedMissing(
    project: Project,
  ): Promise<{ count: number; d: number; skipped: SkippedImages }> {
    const encoder = await projectEncoder(this.ctx.db, project.id)
    const skipped = encoder ? await this.encodeImages(project, encoder) : { count: 0, reasons: [] }
    // The worker reads the texts (and the stored featurizer) itself, so the event loop never
    // holds them; what comes back is written in short chunks.
    const result = await this.runner.embedProject({
      projectId: project.id,
      excludeMedia: encoder !== undefined,
    })
    if (result.ids.length > 0) {
      const existing = await embeddingShape(this.ctx.db, project.id)
      if (existing.count > 0 && existing.d !== result.d) {
        const sources = await embeddingSources(this.ctx.db, project.id)
        throw new ConcordError(
          'invalid_import',
          `the project's ${sources.join(' and ')} embeddings have ${existing.d} dimensions but the built-in text ones have ${result.d}; embeddings of one project must have one width (import an embedding for every item or for none)`,
        )
      }
      if (result.featurizer) await storeFeaturizer(this.ctx.db, project.id, result.featurizer)
      await storeEmbeddings(
        this.ctx.db,
        project.id,
        'builtin',
        Array.from(result.ids),
        result.X,
        result.d,
      )
    }
    const { count, d } = await embeddingShape(this.ctx.db, project.id)
    return { count, d, skipped }
  }

  /** Embeds, batch by batch, the items with media and no embedding through the encoder. */
  private async encodeImages(project: Project, encoder: ModelRecord): Promise<SkippedImages> {
    const pending = await this.ctx.db
      .selectFrom('items')
      .leftJoin('embeddings', 'embeddings.item_id', 'items.id')
      .select(['items.id', 'items.external_id', 'items.media_url'])
      .where('items.project_id', '=', project.id)
      .where('embeddings.item_id', 'is', null)
      .where('items.media_url', 'is not', null)
      .orderBy('items.id')
      .execute()
    const reasons: string[] = []
    let count = 0
    const skip = (externalId: string, reason: string) => {
      count++
      if (reasons.length < REPORTED_REASONS) reasons.push(`${externalId}: ${reason}`)
    }
    const readable: { id: number; externalId: string; path: string }[] = []
    for (const item of pending) {
      const resolved = await realMediaPath(this.ctx.options.mediaDir, item.media_url ?? '')
      if (resolved.ok)
        readable.push({ id: item.id, externalId: item.external_id, path: resolved.path })
      else skip(item.external_id, resolved.reason)
    }
    if (readable.length > 0) {
      const manifest: EncoderManifest = encoderManifestSchema.parse(encoder.manifest)
      const { image } = manifest
      const size = imageTensorSize(image)
      const rowShape =
        image.layout === 'NCHW'
          ? [image.channels === 'GRAY' ? 1 : 3, image.height, image.width]
          : [image.height, image.width, image.channels === 'GRAY' ? 1 : 3]
      const existing = await embeddingShape(this.ctx.db, project.id)
      await this.runner.load(encoder.id, await modelBytes(this.ctx.db, encoder.id), {
        inputName: manifest.inputName,
        outputName: manifest.outputName,
      })
      try {
        for (let start = 0; start < readable.length; start += ENCODER_BATCH) {
          const batch = readable.slice(start, start + ENCODER_BATCH)
          const pre = await this.runner.preprocessImages({ paths: batch.map((b) => b.path), image })
          for (const f of pre.failed) skip(batch[f.index]!.externalId, f.reason)
          if (pre.ok.length === 0) continue
          const out = await this.runner.predict(encoder.id, pre.X, pre.ok.length, size, {
            rowShape,
            transfer: true,
          })
          const dims = out.length / pre.ok.length
          if (existing.count > 0 && existing.d !== dims) {
            const sources = await embeddingSources(this.ctx.db, project.id)
            throw new ConcordError(
              'invalid_model',
              `the encoder '${encoder.name}' gives ${dims}-dimensional embeddings but the project's ${sources.join(' and ')} embeddings have ${existing.d}; embeddings of one project must have one width`,
            )
          }
          await storeEmbeddings(
            this.ctx.db,
            project.id,
            'encoder',
            pre.ok.map((i) => batch[i]!.id),
            out,
            dims,
          )
        }
      } finally {
        await this.runner.unload(encoder.id).catch(() => {})
      }
    }
    if (count > 0) {
      this.ctx.log.warn('items skipped by the image encoder', {
        project: project.id,
        skipped: count,
        reasons,
      })
    }
    return { count, reasons }
  }

  // ---- uploads -------------------------------------------------------------------------------

  /** Validates an uploaded ONNX classifier against the project and stores it as the newest. */
  async uploadModel(
    projectId: ProjectId,
    bytes: Uint8Array,
    manifestInput: unknown,
  ): Promise<ModelRecord> {
    const project = await this.requireProject(projectId)
    if (manifestRole(manifestInput) === 'encoder') {
      return this.uploadEncoder(projectId, bytes, manifestInput)
    }
    const parsed = modelManifestSchema.safeParse(manifestInput)
    if (!parsed.success) {
      throw new ConcordError('invalid_model', `the manifest is not valid: ${parsed.error.message}`)
    }
    const manifest = parsed.data
    const info = inspectOnnx(bytes)
    const { d } = await this.ensureEmbeddings(project)
    validateModelForProject(info, manifest, {
      labelIds: project.labelSchema.labels.map((l) => l.id),
      featureDims: d,
    })
    // onnxruntime is the last judge: a graph can parse, declare a symbolic width and still not
    // run on this project's features. It runs on a few of them, as predictions will give them.
    await this.probeModel(
      projectId,
      bytes,
      manifest,
      d,
      info.inputs.find((i) => i.name === manifest.inputName)?.shape,
    )
    const record = await insertModel(this.ctx.db, projectId, {
      id: randomId('m_', 10),
      kind: 'uploaded',
      name: manifest.name,
      manifest: JSON.stringify(manifest),
      onnx: bytes,
      metrics: null,
      labels_count: 0,
      created_at: this.ctx.clock.now(),
      // Active only once its first pass over every item has worked (refreshPredictions).
      status: 'pending',
    })
    this.afterCurrentJobs(projectId, () => this.refreshPredictions(projectId, record))
    return record
  }

  /**
   * Loads an uploaded classifier and runs it on the project's first PROBE_ROWS feature rows (a
   * zero row of the project's width when it has none yet); refuses it with the runtime's error
   * and the width it was given when that fails or gives the wrong number of scores.
   */
  private async probeModel(
    projectId: ProjectId,
    bytes: Uint8Array,
    manifest: ModelManifest,
    d: number,
    declared: readonly (number | string)[] | null | undefined,
  ): Promise<void> {
    const sample = await sampleEmbeddings(this.ctx.db, projectId, PROBE_ROWS)
    const fixed = declared?.[1]
    const width = sample.n > 0 ? sample.d : d > 0 ? d : typeof fixed === 'number' ? fixed : 0
    const probeId = `probe-${randomId('', 8)}`
    try {
      await this.runner.load(probeId, bytes)
      // Without any feature or a declared width there is nothing to run it on; its first pass
      // over the project's items (refreshPredictions) is then what decides.
      if (width === 0) return
      const rows = sample.n > 0 ? sample.n : 1
      const X = sample.n > 0 ? sample.X : new Float32Array(width)
      const what =
        sample.n > 0
          ? `${rows} of this project's feature rows (${width} numbers each)`
          : `a row of ${width} zeros (this project has no features yet)`
      let proba: Float32Array
      try {
        proba = await this.runner.predict(probeId, X, rows, width, {
          softmax: manifest.output === 'logits',
        })
      } catch (err) {
        if (err instanceof ModelWorkerError && err.reason === 'closed') throw err
        throw new ModelError(
          `the model fails on ${what}, as it would get them: ${err instanceof Error ? err.message : String(err)}; a model for this project must take ${width} features per row`,
        )
      }
      const k = manifest.labels.length
      if (proba.length !== rows * k) {
        throw new ModelError(
          `the model gives ${proba.length / rows} scores per row on ${what}; its manifest names ${k} labels`,
        )
      }
      if (!proba.every(Number.isFinite)) {
        throw new ModelError(`the model gives scores that are not finite numbers on ${what}`)
      }
    } finally {
      await this.runner.unload(probeId).catch(() => {})
    }
  }

  /**
   * Stores an image encoder; it replaces any earlier one, so the embeddings it made are
   * dropped to be made again by the new one on the next ensureEmbeddings.
   */
  private async uploadEncoder(
    projectId: ProjectId,
    bytes: Uint8Array,
    manifestInput: unknown,
  ): Promise<ModelRecord> {
    const parsed = encoderManifestSchema.safeParse(manifestInput)
    if (!parsed.success) {
      throw new ConcordError(
        'invalid_model',
        `the encoder manifest is not valid: ${parsed.error.issues.map((i) => `${['manifest', ...i.path.map(String)].join('.')}: ${i.message}`).join('; ')}`,
      )
    }
    const manifest = parsed.data
    validateEncoder(inspectOnnx(bytes), manifest)
    const probeId = `probe-${randomId('', 8)}`
    await this.runner.load(probeId, bytes, {
      inputName: manifest.inputName,
      outputName: manifest.outputName,
    })
    await this.runner.unload(probeId).catch(() => {})
    const record = await insertModel(this.ctx.db, projectId, {
      id: randomId('m_', 10),
      kind: 'encoder',
      name: manifest.name,
      manifest: JSON.stringify(manifest),
      onnx: bytes,
      metrics: null,
      labels_count: 0,
      created_at: this.ctx.clock.now(),
    })
    // Text features of items with media are dropped too: the encoder makes theirs now.
    await this.ctx.db
      .deleteFrom('embeddings')
      .where('project_id', '=', projectId)
      .where((eb) =>
        eb.or([
          eb('source', '=', 'encoder'),
          eb.and([
            eb('source', '=', 'builtin'),
            eb(
              'item_id',
              'in',
              eb
                .selectFrom('items')
                .select('items.id')
                .where('items.project_id', '=', projectId)
                .where('items.media_url', 'is not', null),
            ),
          ]),
        ]),
      )
      .execute()
    // Clusters of the old embeddings would otherwise be served until the item count changes.
    await this.ctx.db.deleteFrom('item_clusters').where('project_id', '=', projectId).execute()
    // The images are embedded now, in the background, rather than by the next training or map.
    this.afterCurrentJobs(projectId, async () =>
      this.ensureEmbeddings(await this.requireProject(projectId)),
    )
    return record
  }

  // ---- reads ---------------------------------------------------------------------------------

  async settings(projectId: ProjectId): Promise<ModelSettings> {
    return getSettings(this.ctx.db, projectId)
  }

  async updateSettings(
    projectId: ProjectId,
    patch: Partial<ModelSettings>,
  ): Promise<ModelSettings> {
    if (patch.activeModel) {
      const models = await listModels(this.ctx.db, projectId)
      const pinned = models.find((m) => m.id === patch.activeModel)
      if (!pinned) {
        throw new ConcordError('not_found', `no model '${patch.activeModel}' in this project`)
      }
    }
    const next = await updateSettings(this.ctx.db, projectId, patch)
    if (patch.activeModel) {
      // Pinning a model that failed tries it again; it is in use only once a pass works.
      const pinned = await getModel(this.ctx.db, patch.activeModel)
      if (pinned?.status === 'failed') await setModelStatus(this.ctx.db, pinned.id, 'pending')
      const model = pinned && (await getModel(this.ctx.db, pinned.id))
      if (model) {
        this.afterCurrentJobs(projectId, () => this.refreshPredictions(projectId, model))
      }
    } else if (patch.activeModel === null) {
      const model = await activeModel(this.ctx.db, projectId)
      if (model) {
        this.afterCurrentJobs(projectId, () => this.refreshPredictions(projectId, model))
      }
    } else if (patch.queueOrder !== undefined) {
      await this.refreshQueuePriority(projectId)
    }
    return next
  }

  /** Top labels the active model gives an item, best first. */
  async suggestions(
    projectId: ProjectId,
    itemId: number,
    top = 3,
  ): Promise<{
    model: { id: string; version: number } | null
    labels: { label: string; probability: number }[]
  }> {
    const model = await activeModel(this.ctx.db, projectId)
    if (!model) return { model: null, labels: [] }
    const [row] = await loadPredictions(this.ctx.db, projectId, itemId)
    if (!row || row.modelId !== model.id) return { model: summaryRef(model), labels: [] }
    const labels = modelManifestSchema.parse(model.manifest).labels
    const ranked = [...row.proba]
      .map((p, i) => ({ label: labels[i]!, probability: p }))
      .sort((a, b) => b.probability - a.probability)
      .slice(0, top)
    return { model: summaryRef(model), labels: ranked }
  }

  /**
   * Likely mislabeled items by confident learning over out-of-fold probabilities (the model's
   * plain predictions for items it was not trained on), for the consensus labels or for one
   * annotator's (or every annotator's) labels.
   */
  async mislabeled(
    projectId: ProjectId,
    scope: 'consensus' | 'annotator',
    annotator: string | undefined,
    limit: number,
  ): Promise<{
    model: { id: string; version: number } | null
    items: {
      itemId: number
      given: string
      suggested: string
      selfConfidence: number
      annotator?: string
    }[]
  }> {
    const project = await this.requireProject(projectId)
    const model = await activeModel(this.ctx.db, projectId)
    if (!model) return { model: null, items: [] }
    const labels = modelManifestSchema.parse(model.manifest).labels
    const k = labels.length
    const predictions = new Map(
      (await loadPredictions(this.ctx.db, projectId))
        .filter((p) => p.modelId === model.id)
        .map((p) => [p.itemId, p.oof ?? p.proba]),
    )
    const given: { itemId: number; label: number; annotator?: string }[] = []
    if (scope === 'consensus') {
      for (const [itemId, label] of await this.consensusLabels(project)) {
        const code = labels.indexOf(label)
        if (code >= 0 && predictions.has(itemId)) given.push({ itemId, label: code })
      }
    } else {
      const store = await currentStore(this.ctx.db, projectId)
      // Someone who labelled here, or a member yet to: anyone else is a wrong id, not "no issues".
      if (
        annotator !== undefined &&
        !store.annotators.includes(annotator) &&
        (await memberRole(this.ctx.db, projectId, annotator)) === undefined
      ) {
        throw new ConcordError('not_found', `no annotator '${annotator}' in this project`, [
          { path: 'annotator', message: 'not a member of the project' },
        ])
      }
      for (const [itemId, slots] of store.byItem) {
        if (!predictions.has(itemId)) continue
        for (const s of slots) {
          const who = store.annotators[store.ann[s]!]!
          if (annotator !== undefined && who !== annotator) continue
          const code = labels.indexOf(store.values[store.val[s]!]!)
          if (code >= 0) given.push({ itemId, label: code, annotator: who })
        }
      }
    }
    const proba = new Float32Array(given.length * k)
    given.forEach((g, i) => proba.set(predictions.get(g.itemId)!, i * k))
    const issues = findLabelIssues(Int32Array.from(given.map((g) => g.label)), proba, k)
    return {
      model: summaryRef(model),
      items: issues.slice(0, limit).map((issue) => {
        const g = given[issue.index]!
        return {
          itemId: g.itemId,
          given: labels[issue.given]!,
          suggested: labels[issue.suggested]!,
          selfConfidence: issue.selfConfidence,
          ...(g.annotator !== undefined ? { annotator: g.annotator } : {}),
        }
      }),
    }
  }

  /** k-means over the embeddings, with per-cluster label counts, disagreement and gaps. */
  async clusters(
    projectId: ProjectId,
    k?: number,
  ): Promise<{ k: number; clusters: ClusterStat[] }> {
    const project = await this.requireProject(projectId)
    const { k: wanted, stored } = await this.currentClusters(project, k)
    const { store, consensus } = await this.labelView(project)
    const labels = project.labelSchema.labels.map((l) => l.id)
    const stats = clusterStats(
      Int32Array.from(stored.map((s) => s.cluster)),
      Int32Array.from(stored.map((s) => labels.indexOf(consensus.get(s.itemId) ?? ''))),
      Float64Array.from(stored.map((s) => disagreementOf(store, s.itemId))),
      wanted,
      labels.length,
    )
    return { k: wanted, clusters: stats }
  }

  /**
   * The stored clusters of every item, computed first (in the worker, once for simultaneous
   * callers) when items were added or another k is asked for.
   */
  private async currentClusters(
    project: Project,
    k?: number,
  ): Promise<{ k: number; stored: Awaited<ReturnType<typeof loadClusters>> }> {
    const settings = await getSettings(this.ctx.db, project.id)
    const stored = await loadClusters(this.ctx.db, project.id)
    const itemCount = await countItems(this.ctx.db, project.id)
    const wanted = k ?? settings.clustersK ?? defaultK(itemCount)
    if (stored.length === itemCount && settings.clustersK === wanted) return { k: wanted, stored }
    let running = this.clustering.get(project.id)
    if (!running) {
      running = this.computeClusters(project, wanted).finally(() =>
        this.clustering.delete(project.id),
      )
      this.clustering.set(project.id, running)
    }
    await running
    return { k: wanted, stored: await loadClusters(this.ctx.db, project.id) }
  }

  /** The project's labels as the cluster and map views read them. */
  private async labelView(
    project: Project,
  ): Promise<{ store: AnnotationStore; consensus: Map<number, string> }> {
    return {
      store: await currentStore(this.ctx.db, project.id),
      consensus: await this.consensusLabels(project),
    }
  }

  async computeClusters(project: Project, k: number): Promise<void> {
    const progress: MapProgress = { step: 'embedding items', startedAt: this.ctx.clock.now() }
    this.mapping.set(project.id, progress)
    try {
      const { count } = await this.ensureEmbeddings(project)
      if (count === 0) return
      const method = count <= UMAP_MAX_ROWS ? 'UMAP' : 'PCA'
      progress.step = `${k} k-means clusters and a ${method} map of ${count.toLocaleString('en')} items`
      progress.items = count
      const { ids, assignments, xy } = await this.runner.mapProject(project.id, k, 1)
      progress.step = 'storing the clusters'
      await storeClusters(this.ctx.db, project.id, Array.from(ids), assignments, xy)
      await updateSettings(this.ctx.db, project.id, { clustersK: k })
      await this.refreshQueuePriority(project.id)
    } finally {
      this.mapping.delete(project.id)
    }
  }

  /** The running clusters-and-map computation of a project, if any (for progress in the UI). */
  mapProgress(projectId: ProjectId): MapProgress | null {
    const progress = this.mapping.get(projectId)
    return progress ? { ...progress } : null
  }

  /** Every item as a point of the 2D map, with its cluster, consensus label and disagreement. */
  async map(projectId: ProjectId): Promise<{
    method: string
    points: {
      itemId: number
      x: number
      y: number
      cluster: number
      label: string | null
      disagreement: number | null
    }[]
  }> {
    const project = await this.requireProject(projectId)
    const { stored } = await this.currentClusters(project)
    const { store, consensus } = await this.labelView(project)
    return {
      method: stored.length <= UMAP_MAX_ROWS ? 'umap' : 'pca',
      points: stored.map((s) => {
        const dis = disagreementOf(store, s.itemId)
        return {
          itemId: s.itemId,
          x: s.x ?? 0,
          y: s.y ?? 0,
          cluster: s.cluster,
          label: consensus.get(s.itemId) ?? null,
          disagreement: Number.isNaN(dis) ? null : dis,
        }
      }),
    }
  }

  /** Recomputes `queue_priority` for the project's queue order (nothing for 'default'). */
  async refreshQueuePriority(projectId: ProjectId): Promise<void> {
    const settings = await getSettings(this.ctx.db, projectId)
    const order: QueueOrder = settings.queueOrder
    if (order === 'default') {
      await storeQueuePriority(this.ctx.db, projectId, new Map())
      return
    }
    const items = await itemIdsOf(this.ctx.db, projectId)
    const predictions = new Map(
      (await loadPredictions(this.ctx.db, projectId)).map((p) => [p.itemId, p.proba]),
    )
    const store = await currentStore(this.ctx.db, projectId)
    const clusters = new Map((await loadClusters(this.ctx.db, projectId)).map((c) => [c.itemId, c]))
    const share = clusterLabelledShares(clusters, store)
    const candidates = items.map((id) => {
      const cluster = clusters.get(id)
      const dis = disagreementOf(store, id)
      return {
        id,
        ...(predictions.has(id) ? { proba: predictions.get(id)! } : {}),
        ...(Number.isNaN(dis) ? {} : { disagreement: dis }),
        ...(cluster ? { clusterLabelledShare: share.get(cluster.cluster) ?? 0 } : {}),
      }
    })
    const ranked = rankForQueue(order, candidates, mulberry32(hashSeed(projectId)))
    const scores = new Map<number, number>()
    ranked.forEach((id, rank) => scores.set(id, ranked.length - rank))
    await storeQueuePriority(this.ctx.db, projectId, scores)
  }

  /** Consensus label per item id (adjudicated, or a strict majority of at least K labels). */
  async consensusLabels(project: Project): Promise<Map<number, string>> {
    const store = await currentStore(this.ctx.db, project.id)
    const out = new Map<number, string>()
    const items = new Set<number>([...store.byItem.keys(), ...store.adjudicated.keys()])
    for (const itemId of items) {
      const c = consensusOf(store, itemId, project.overlap)
      if (c.label !== null) out.set(itemId, c.label)
    }
    return out
  }

  /**
   * Shadow mode: the active model's top label counts as the virtual annotator
   * `model:<version>`, scored against the consensus and against each annotator (Cohen's kappa on
   * the items both labelled). The human coefficients leave it out; `overall` shows Krippendorff's
   * alpha (ordinal for ordered label lists) without and with the model among the annotators.
   * On items a trained model learned from, its label is the out-of-fold one: scored on its own
   * training labels it would look better than it is.
   */
  async shadow(projectId: ProjectId): Promise<ShadowReport | null> {
    const project = await this.requireProject(projectId)
    const model = await activeModel(this.ctx.db, projectId)
    if (!model) return null
    const labels = modelManifestSchema.parse(model.manifest).labels
    const predicted = new Map<number, string>()
    for (const p of await loadPredictions(this.ctx.db, projectId)) {
      if (p.modelId !== model.id) continue
      const proba = p.oof ?? p.proba
      let best = 0
      for (let j = 1; j < proba.length; j++) if (proba[j]! > proba[best]!) best = j
      predicted.set(p.itemId, labels[best]!)
    }
    const modelName = `model:${model.version}`
    const store = await currentStore(this.ctx.db, projectId)
    const human: Annotation[] = []
    for (const [itemId, slots] of store.byItem) {
      for (const s of slots) {
        human.push({
          item: String(itemId),
          annotator: store.annotators[store.ann[s]!]!,
          value: store.values[store.val[s]!]!,
        })
      }
    }
    const machine: Annotation[] = [...predicted].map(([itemId, value]) => ({
      item: String(itemId),
      annotator: modelName,
      value,
    }))
    const versus = (other: Annotation[], name: string) => {
      const items = new Set(other.map((a) => a.item))
      const mine = machine.filter((a) => items.has(a.item))
      const shared = new Set(mine.map((a) => a.item))
      const rows = [...other.filter((a) => shared.has(a.item)), ...mine]
      if (shared.size === 0) return { n: 0, agreement: null, kappa: null }
      const table = compileTable(rows)
      const kappa = cohenKappa(table, { pair: [modelName, name] })
      return {
        n: shared.size,
        agreement: kappa.observedAgreement,
        kappa: Number.isNaN(kappa.value) ? null : kappa.value,
        ...(kappa.reason ? { reason: kappa.reason } : {}),
      }
    }
    const consensus = [...(await this.consensusLabels(project))].map(([itemId, value]) => ({
      item: String(itemId),
      annotator: 'consensus',
      value,
    }))
    const schema = project.labelSchema
    const level = schema.kind === 'single' && schema.ordered ? 'ordinal' : 'nominal'
    const alpha = (rows: Annotation[]) => {
      // The schema's order first (ordinal distances follow it), then any value it no longer has.
      const categories = [
        ...new Set([...schema.labels.map((l) => l.id), ...rows.map((r) => String(r.value))]),
      ]
      const v = krippendorffAlpha(compileTable(rows, { categories }), { level }).value
      return Number.isNaN(v) ? null : v
    }
    return {
      model: { id: model.id, version: model.version, annotator: modelName },
      vsConsensus: versus(consensus, 'consensus'),
      annotators: store.annotators.map((id) => ({
        id,
        ...versus(
          human.filter((a) => a.annotator === id),
          id,
        ),
      })),
      overall: {
        alphaHumans: human.length > 0 ? alpha(human) : null,
        alphaWithModel: human.length > 0 ? alpha([...human, ...machine]) : null,
      },
    }
  }

  async listModels(projectId: ProjectId): Promise<ModelRecord[]> {
    return listModels(this.ctx.db, projectId)
  }

  async activeModel(projectId: ProjectId): Promise<ModelRecord | undefined> {
    return activeModel(this.ctx.db, projectId)
  }

  private async requireProject(projectId: ProjectId): Promise<Project> {
    const project = await getProject(this.ctx.db, projectId)
    if (!project) throw new ConcordError('not_found', `no project '${projectId}'`)
    return project
  }
}

function summaryRef(model: ModelRecord): { id: string; version: number } {
  return { id: model.id, version: model.version }
}

/**
 * Observed disagreement of an item's labels: the share of ordered annotator pairs that differ
 * (1 - sum n_c (n_c - 1) / (n (n - 1))); NaN with fewer than two labels.
 */
export function disagreementOf(store: AnnotationStore, itemId: number): number {
  const votes = Object.values(votesOf(store, itemId))
  const n = votes.reduce((a, b) => a + b, 0)
  if (n < 2) return Number.NaN
  let agree = 0
  for (const c of votes) agree += c * (c - 1)
  return 1 - agree / (n * (n - 1))
}

function clusterLabelledShares(
  clusters: ReadonlyMap<number, { cluster: number }>,
  store: AnnotationStore,
): Map<number, number> {
  const size = new Map<number, number>()
  const labelled = new Map<number, number>()
  for (const [itemId, { cluster }] of clusters) {
    size.set(cluster, (size.get(cluster) ?? 0) + 1)
    if (store.byItem.has(itemId)) labelled.set(cluster, (labelled.get(cluster) ?? 0) + 1)
  }
  const out = new Map<number, number>()
  for (const [c, n] of size) out.set(c, (labelled.get(c) ?? 0) / n)
  return out
}

function hashSeed(s: string): number {
  let h = 2166136261
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619)
  return h >>> 0
}
