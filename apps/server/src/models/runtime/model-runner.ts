import { ConcordError, type ErrorCode } from '@concord/core'
import type { Worker } from 'node:worker_threads'
import { spawnWorker } from '../../workers/spawn-worker'
import { ModelError } from '../onnx/model-error'
import { DEFAULT_YIELD_POLICY, SyncActivity, type YieldPolicy } from './yielding-pace'
import type { ModelWorkerData } from './model-worker'
import type {
  ClusterResult,
  EmbedJob,
  EmbedProjectJob,
  EmbedProjectResult,
  EmbedResult,
  LoadedModelInfo,
  ModelIo,
  PreprocessImagesJob,
  PreprocessImagesResult,
  ProjectMap,
  ProjectOptions,
  ProjectPredictions,
  Projection2d,
  RequestEnvelope,
  ResponseEnvelope,
  ShutdownMessage,
  TrainJob,
  TrainProjectJob,
  TrainProjectResult,
  TrainResult,
  WireError,
  WorkerOp,
  WorkerRequest,
  WorkerResults,
} from './protocol'

/**
 * Inference (load, predict, unload) and computation (train, embed, cluster, project2d) run in
 * separate worker threads, so that suggestions stay fast while a model trains.
 */
export type WorkerLaneName = 'inference' | 'compute'

export interface ModelRunnerOptions {
  /** Per-operation time limits in ms; see DEFAULT_TIMEOUTS. */
  readonly timeoutMs?: Partial<Record<WorkerOp, number>>
  /** onnxruntime intra-op threads (default: onnxruntime's choice). */
  readonly ortThreads?: number
  /**
   * The server's SQLite file, which the *Project jobs read from on their own connection. Without
   * it only the jobs that carry their data work.
   */
  readonly dbFile?: string
  /** Nice value of the worker threads (default 19: model work runs when sync leaves CPU spare). */
  readonly nice?: number
  /**
   * How computation gives way while sync is busy (see noteSyncActivity); false: never.
   * Default DEFAULT_YIELD_POLICY.
   */
  readonly yieldToSync?: YieldPolicy | false
  /**
   * How long close() waits for the inference worker to finish its current onnxruntime call and
   * end (default 10 s); after that the thread is left to end by itself and no longer holds the
   * process open.
   */
  readonly closeGraceMs?: number
  /** Starts a worker; tests pass a wrapper to reach the Worker object. */
  readonly spawn?: (lane: WorkerLaneName, data: ModelWorkerData) => Worker
}

/**
 * A timed-out computation is stopped by terminating its worker, which also fails the other
 * requests in flight, so the limits are generous: they catch hangs, not slow work. Inference
 * calls that time out are rejected but their worker is left running (see WorkerLane).
 */
export const DEFAULT_TIMEOUTS: Readonly<Record<WorkerOp, number>> = Object.freeze({
  load: 60_000,
  predict: 120_000,
  unload: 10_000,
  predictProject: 5 * 60_000,
  embedProject: 20 * 60_000,
  trainProject: 20 * 60_000,
  mapProject: 25 * 60_000,
  train: 20 * 60_000,
  embed: 10 * 60_000,
  preprocessImages: 10 * 60_000,
  cluster: 10 * 60_000,
  project2d: 15 * 60_000,
})

const LANE_OF: Readonly<Record<WorkerOp, WorkerLaneName>> = {
  load: 'inference',
  predict: 'inference',
  unload: 'inference',
  predictProject: 'inference',
  embedProject: 'compute',
  trainProject: 'compute',
  mapProject: 'compute',
  train: 'compute',
  embed: 'compute',
  preprocessImages: 'compute',
  cluster: 'compute',
  project2d: 'compute',
}

/**
 * The lowest priority: on two cores a training at nice 10 still took enough CPU (its garbage
 * collection and start-up included) to double sync's p95 latency.
 */
export const DEFAULT_NICE = 19

export type ModelWorkerFailure = 'crashed' | 'timeout' | 'closed'

/** The worker could not answer: it died, hung, or the runner was closed. Retrying may work. */
export class ModelWorkerError extends Error {
  constructor(
    readonly reason: ModelWorkerFailure,
    message: string,
  ) {
    super(message)
    this.name = 'ModelWorkerError'
  }
}

export interface PredictOptions {
  /** Apply a softmax per row (for models whose output is logits). */
  readonly softmax?: boolean
  /**
   * Hand `features`' buffer to the worker instead of copying it; the caller's array is
   * detached (length 0) afterwards. Saves a copy of n x d floats.
   */
  readonly transfer?: boolean
  /** Shape of one row when the model's input is not [N, d], e.g. [3, H, W] for images. */
  readonly rowShape?: readonly number[]
}

interface RegisteredModel {
  readonly bytes: Uint8Array
  readonly io: ModelIo
  /** The worker generation that has it loaded; another means it must be loaded again. */
  loadedIn: number
}

/**
 * Main-thread client of the model workers: typed request/response over postMessage. Workers
 * start on first use and again after a crash; models are reloaded into a restarted worker on
 * their next prediction. onnxruntime is only ever imported inside the worker.
 */
export class ModelRunner {
  private readonly lanes: Record<WorkerLaneName, WorkerLane>
  private readonly models = new Map<string, RegisteredModel>()
  private readonly activity = new SyncActivity()
  private closed = false

  constructor(options: ModelRunnerOptions = {}) {
    const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeoutMs }
    const yieldPolicy = options.yieldToSync ?? DEFAULT_YIELD_POLICY
    const data: ModelWorkerData = {
      ...(options.ortThreads ? { ortThreads: options.ortThreads } : {}),
      ...(options.dbFile ? { dbFile: options.dbFile } : {}),
      ...(yieldPolicy
        ? { yieldToSync: { activity: this.activity.buffer, policy: yieldPolicy } }
        : {}),
    }
    const nice = options.nice ?? DEFAULT_NICE
    const spawn =
      options.spawn ??
      ((lane: WorkerLaneName, workerData: ModelWorkerData) =>
        spawnWorker(
          new URL('./model-worker.ts', import.meta.url),
          workerData,
          `concord-models-${lane}`,
          { nice },
        ))
    const grace = options.closeGraceMs ?? 10_000
    this.lanes = {
      inference: new WorkerLane('inference', () => spawn('inference', data), timeouts, {
        interruptible: false,
        closeGraceMs: grace,
      }),
      compute: new WorkerLane('compute', () => spawn('compute', data), timeouts, {
        interruptible: true,
        closeGraceMs: grace,
      }),
    }
  }

  /**
   * Tells the workers that people are editing now (the server calls it for every sync message;
   * it costs a comparison most of the time). Computation then runs in short bursts.
   */
  noteSyncActivity(nowMs: number = Date.now()): void {
    this.activity.note(nowMs)
  }

  /** Live worker threads (0 after close, or before the first call). */
  get workers(): number {
    return Object.values(this.lanes).filter((lane) => lane.running).length
  }

  /**
   * Loads an ONNX model under `id`, replacing any model of that id (also when the new one
   * fails). Bytes onnxruntime refuses reject with ModelError; the worker carries on. `bytes` is
   * kept, not copied, for reloading after a worker restart: do not modify it afterwards.
   */
  async load(id: string, bytes: Uint8Array, io: ModelIo = {}): Promise<LoadedModelInfo> {
    this.models.delete(id)
    const lane = this.lanes.inference
    const generation = lane.generationForNextCall()
    const info = await this.call({ op: 'load', id, bytes, io }, [])
    // Kept so that a restarted worker can load it again; a failed load is forgotten above.
    this.models.set(id, { bytes, io, loadedIn: generation })
    return info
  }

  /** Runs a loaded model on n x d features; resolves to n x k scores, row-major. */
  async predict(
    id: string,
    features: Float32Array,
    n: number,
    d: number,
    options: PredictOptions = {},
  ): Promise<Float32Array> {
    if (!Number.isInteger(n) || n < 0 || !Number.isInteger(d) || d < 1) {
      throw new RangeError(`predict needs n >= 0 and d >= 1 integers, got n=${n}, d=${d}`)
    }
    if (features.length !== n * d) {
      throw new RangeError(`features have ${features.length} values but n x d = ${n * d}`)
    }
    if (options.rowShape && options.rowShape.reduce((a, b) => a * b, 1) !== d) {
      throw new RangeError(`rowShape [${options.rowShape.join(', ')}] does not have d=${d} values`)
    }
    if (this.closed) throw closedError()
    await this.ensureLoaded(id)
    const owned =
      options.transfer &&
      features.byteOffset === 0 &&
      features.byteLength === features.buffer.byteLength
        ? features
        : features.slice()
    const { proba } = await this.call(
      {
        op: 'predict',
        id,
        features: owned,
        n,
        d,
        softmax: options.softmax ?? false,
        ...(options.rowShape ? { rowShape: options.rowShape } : {}),
      },
      [owned.buffer as ArrayBuffer],
    )
    return proba
  }

  async unload(id: string): Promise<void> {
    const model = this.models.get(id)
    this.models.delete(id)
    if (model && model.loadedIn === this.lanes.inference.generationForNextCall()) {
      await this.call({ op: 'unload', id }, [])
    }
  }

  /** Runs a loaded model over every stored embedding of the project. */
  async predictProject(
    id: string,
    projectId: string,
    options: { softmax?: boolean } = {},
  ): Promise<ProjectPredictions> {
    if (this.closed) throw closedError()
    await this.ensureLoaded(id)
    return this.call({ op: 'predictProject', id, projectId, softmax: options.softmax ?? false }, [])
  }

  /** Built-in text embeddings of the project's items that have none (see EmbedProjectJob). */
  embedProject(job: EmbedProjectJob): Promise<EmbedProjectResult> {
    return this.call({ op: 'embedProject', job }, [])
  }

  /** Logistic regression on the stored embeddings of the labelled items (see train). */
  trainProject(job: TrainProjectJob): Promise<TrainProjectResult> {
    return this.call({ op: 'trainProject', job }, [])
  }

  /** k-means clusters and the 2D map of every stored embedding of the project. */
  mapProject(
    projectId: string,
    k: number,
    seed: number,
    options: ProjectOptions = {},
  ): Promise<ProjectMap> {
    return this.call({ op: 'mapProject', projectId, k, seed, options }, [])
  }

  /** Logistic regression on every row plus out-of-fold probabilities and CV metrics. */
  train(job: TrainJob): Promise<TrainResult> {
    return this.call({ op: 'train', job }, [])
  }

  /** Built-in text features; fits (and returns) a featurizer when none is given. */
  embedTexts(job: EmbedJob): Promise<EmbedResult> {
    return this.call({ op: 'embed', job }, [])
  }

  /** Reads, decodes and preprocesses images for an encoder (see imageToTensor). */
  preprocessImages(job: PreprocessImagesJob): Promise<PreprocessImagesResult> {
    return this.call({ op: 'preprocessImages', job }, [])
  }

  /** k-means (see clusterEmbeddings). */
  cluster(X: Float32Array, n: number, d: number, k: number, seed: number): Promise<ClusterResult> {
    return this.call({ op: 'cluster', X, n, d, k, seed }, [])
  }

  /** 2D map of the rows: UMAP for up to 20,000 rows, PCA above (see project2d). */
  project2d(
    X: Float32Array,
    n: number,
    d: number,
    seed: number,
    options: ProjectOptions = {},
  ): Promise<Projection2d> {
    return this.call({ op: 'project2d', X, n, d, seed, options }, [])
  }

  /**
   * Stops both workers; calls in flight reject with ModelWorkerError('closed'). The inference
   * worker is asked to end after its current onnxruntime call rather than terminated.
   */
  async close(): Promise<void> {
    this.closed = true
    this.models.clear()
    await Promise.all(Object.values(this.lanes).map((lane) => lane.stop('closed')))
  }

  /** Loads a registered model again into an inference worker that was restarted since. */
  private async ensureLoaded(id: string): Promise<void> {
    const model = this.models.get(id)
    if (!model) throw new ConcordError('not_found', `no model '${id}' is loaded; load it first`)
    const lane = this.lanes.inference
    if (model.loadedIn !== lane.generationForNextCall()) {
      const generation = lane.generationForNextCall()
      await this.call({ op: 'load', id, bytes: model.bytes, io: model.io }, [])
      model.loadedIn = generation
    }
  }

  private call<R extends WorkerRequest>(
    request: R,
    transfer: ArrayBuffer[],
  ): Promise<WorkerResults[R['op']]> {
    if (this.closed) return Promise.reject(closedError())
    return this.lanes[LANE_OF[request.op]].call(request, transfer) as Promise<
      WorkerResults[R['op']]
    >
  }
}

function closedError(): ModelWorkerError {
  return new ModelWorkerError('closed', 'the model runner is closed')
}

interface Pending {
  readonly op: WorkerOp
  readonly worker: Worker
  readonly resolve: (value: unknown) => void
  readonly reject: (err: Error) => void
  readonly timer: NodeJS.Timeout
}

interface LanePolicy {
  /**
   * Whether the thread may be terminated at any moment. Not for the inference worker:
   * terminating a thread inside InferenceSession.run aborts the whole process (onnxruntime-node
   * 1.30: "terminate called after throwing an instance of 'Napi::Error'"). Its timeouts only
   * reject the call, and close() asks it to end at a safe point instead.
   */
  readonly interruptible: boolean
  readonly closeGraceMs: number
}

/** One worker thread: spawned lazily, its requests matched to responses, replaced after death. */
class WorkerLane {
  private worker: Worker | null = null
  private generation = 0
  private nextRequestId = 1
  private readonly pending = new Map<number, Pending>()
  /** Why a worker was stopped on purpose, for the requests it takes down with it. */
  private readonly stopReasons = new WeakMap<Worker, Error>()

  constructor(
    private readonly name: WorkerLaneName,
    private readonly spawn: () => Worker,
    private readonly timeouts: Readonly<Record<WorkerOp, number>>,
    private readonly policy: LanePolicy,
  ) {}

  get running(): boolean {
    return this.worker !== null
  }

  /** The generation a call made now will run in (the next one when no worker is running). */
  generationForNextCall(): number {
    return this.worker ? this.generation : this.generation + 1
  }

  call(request: WorkerRequest, transfer: ArrayBuffer[]): Promise<unknown> {
    const worker = this.worker ?? this.start()
    const requestId = this.nextRequestId++
    return new Promise((resolve, reject) => {
      const limit = this.timeouts[request.op]
      const timer = setTimeout(() => this.timedOut(requestId, limit), limit)
      this.pending.set(requestId, { op: request.op, worker, resolve, reject, timer })
      worker.ref()
      const envelope: RequestEnvelope = { ...request, requestId }
      try {
        worker.postMessage(envelope, transfer)
      } catch (err) {
        this.settle(requestId)
        reject(err instanceof Error ? err : new Error(String(err)))
      }
    })
  }

  async stop(reason: ModelWorkerFailure): Promise<void> {
    const worker = this.worker
    if (!worker) return
    const message =
      reason === 'closed' ? 'the model runner was closed' : `the ${this.name} worker was stopped`
    this.detach(worker, new ModelWorkerError(reason, message))
    if (this.policy.interruptible) {
      await worker.terminate()
      return
    }
    const shutdown: ShutdownMessage = { control: 'shutdown' }
    worker.ref()
    worker.postMessage(shutdown)
    let timer: NodeJS.Timeout | undefined
    const exited = await Promise.race([
      new Promise<boolean>((resolve) => worker.once('exit', () => resolve(true))),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), this.policy.closeGraceMs)
      }),
    ])
    clearTimeout(timer)
    // Still inside a long onnxruntime call: it ends after it; do not hold the process for it.
    if (!exited) worker.unref()
  }

  private start(): Worker {
    const worker = this.spawn()
    this.worker = worker
    this.generation++
    let lastError: Error | null = null
    worker.on('message', (message: ResponseEnvelope) => {
      const pending = this.settle(message.requestId)
      if (!pending) return
      if (message.ok) pending.resolve(message.result)
      else pending.reject(fromWire(message.error))
    })
    worker.on('error', (err) => {
      lastError = err
    })
    worker.on('exit', (code) => {
      const cause = lastError ? `: ${lastError.message}` : ''
      this.detach(
        worker,
        new ModelWorkerError(
          'crashed',
          `the ${this.name} model worker stopped unexpectedly (exit code ${code}${cause}); the next call starts a new one`,
        ),
      )
    })
    // An idle worker must not keep the process alive; call() refs it while requests are open.
    worker.unref()
    return worker
  }

  /** Forgets a worker (the next call starts another) and fails what it still owed. */
  private detach(worker: Worker, failure: Error): void {
    if (this.worker === worker) this.worker = null
    const reason = this.stopReasons.get(worker) ?? failure
    this.stopReasons.set(worker, reason)
    for (const [id, pending] of [...this.pending]) {
      if (pending.worker === worker) this.settle(id)?.reject(reason)
    }
  }

  private timedOut(requestId: number, limit: number): void {
    const pending = this.settle(requestId)
    if (!pending) return
    const seconds = limit / 1000
    if (!this.policy.interruptible) {
      // The worker finishes the call anyway and its late answer is dropped.
      pending.reject(
        new ModelWorkerError(
          'timeout',
          `the ${this.name} model worker did not finish '${pending.op}' within ${seconds} s`,
        ),
      )
      return
    }
    pending.reject(
      new ModelWorkerError(
        'timeout',
        `the ${this.name} model worker did not finish '${pending.op}' within ${seconds} s; it was stopped and the next call starts a new one`,
      ),
    )
    // Terminating is the only way to abandon work in progress on the thread.
    this.detach(
      pending.worker,
      new ModelWorkerError(
        'timeout',
        `the ${this.name} model worker was restarted because '${pending.op}' timed out`,
      ),
    )
    void pending.worker.terminate()
  }

  private settle(requestId: number): Pending | undefined {
    const pending = this.pending.get(requestId)
    if (!pending) return undefined
    this.pending.delete(requestId)
    clearTimeout(pending.timer)
    const busy = [...this.pending.values()].some((p) => p.worker === pending.worker)
    if (!busy) pending.worker.unref()
    return pending
  }
}

// A Record, not a list, so that a new ErrorCode fails the type check until it is added here.
const CONCORD_CODES: Readonly<Record<ErrorCode, true>> = {
  bad_request: true,
  unauthenticated: true,
  forbidden: true,
  not_found: true,
  conflict: true,
  too_large: true,
  invalid_import: true,
  invalid_model: true,
  not_ready: true,
  too_many_requests: true,
  unsupported_media_type: true,
}

/** Rebuilds a worker's error as the same kind of error on this side. */
function fromWire(wire: WireError): Error {
  const details = wire.details ?? []
  if (wire.code === 'invalid_model') return new ModelError(wire.message, details)
  if (wire.code !== undefined && Object.hasOwn(CONCORD_CODES, wire.code)) {
    return new ConcordError(wire.code as ErrorCode, wire.message, details)
  }
  const err = new Error(wire.message)
  err.name = wire.name
  return err
}
