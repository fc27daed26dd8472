import type { ErrorDetail } from '@concord/core'
import type { LogRegModel } from '@concord/core/ml'
import type { ImageSpec } from './image-preprocess'

/**
 * Messages between ModelRunner (main thread) and model-worker.ts. Every request has an id the
 * response repeats; big arrays travel as transferred ArrayBuffers, never as copies of copies.
 */

/** A tensor input or output as onnxruntime reports it after loading. */
export interface RuntimeTensorInfo {
  readonly name: string
  /** onnxruntime's element type ('float32', 'int64', ...), or 'non-tensor'. */
  readonly type: string
  /** Fixed sizes as numbers, symbolic ones as strings; empty when unknown. */
  readonly shape: readonly (number | string)[]
}

export interface LoadedModelInfo {
  readonly inputs: readonly RuntimeTensorInfo[]
  readonly outputs: readonly RuntimeTensorInfo[]
}

/** Which graph input takes the features and which output gives the scores. */
export interface ModelIo {
  /** Default: the model's first input. */
  readonly inputName?: string
  /** Default: the model's first output. */
  readonly outputName?: string
}

export interface TrainJob {
  /** n x d row-major features. */
  readonly X: Float32Array
  readonly n: number
  readonly d: number
  /** Class per row, 0..k-1. */
  readonly y: Int32Array
  readonly k: number
  /** Cross-validation folds for the out-of-fold probabilities (>= 2). */
  readonly folds: number
  readonly l2?: number
  readonly maxIter?: number
  /** Seeds the fold assignment. */
  readonly seed: number
}

export interface TrainResult {
  /** Fitted on every row. */
  readonly model: LogRegModel
  /** n x k: each row predicted by the fold model that did not see it. */
  readonly oof: Float32Array
  readonly cv: {
    readonly accuracy: number
    readonly macroF1: number
    readonly majorityRate: number
    readonly folds: number
  }
}

export interface EmbedJob {
  readonly texts: readonly string[]
  /** A stored featurizer (JSON text); null fits a new one on `fitTexts` (or on `texts`). */
  readonly featurizer: string | null
  readonly fitTexts?: readonly string[]
  /** Output dimensions of a new featurizer (default 256). */
  readonly dims?: number
}

export interface EmbedResult {
  /** texts.length x d row-major, rows of norm 1 (or 0 for texts without words). */
  readonly X: Float32Array
  readonly d: number
  /** The featurizer used, as JSON text to store. */
  readonly featurizer: string
}

export interface PreprocessImagesJob {
  /** Absolute paths, already checked to be inside the media directory. */
  readonly paths: readonly string[]
  readonly image: ImageSpec
}

export interface PreprocessImagesResult {
  /** ok.length images, each imageTensorSize(image) values laid out as the manifest says. */
  readonly X: Float32Array
  /** Indexes into `paths` of the images in X, in order. */
  readonly ok: number[]
  /** The paths that could not be read or decoded, and why. */
  readonly failed: { readonly index: number; readonly reason: string }[]
}

export interface ClusterResult {
  /** Cluster per row, 0..k-1. */
  readonly assignments: Int32Array
  /** k x d row-major. */
  readonly centroids: Float32Array
  readonly iterations: number
  /** Rows the centroids were fitted on (all of them, or a seeded sample of large inputs). */
  readonly fittedOn: number
}

export type ProjectionMethod = 'umap' | 'pca'

export interface Projection2d {
  readonly method: ProjectionMethod
  /** n x 2 row-major. */
  readonly xy: Float32Array
}

export interface ProjectOptions {
  /** 'auto' (default): UMAP up to `umapMaxRows` rows, PCA above. */
  readonly method?: 'auto' | ProjectionMethod
  /** Default 20,000: UMAP's neighbour search takes about a minute there on two cores. */
  readonly umapMaxRows?: number
}

// ---- jobs on a project's stored data ----------------------------------------------------------
// The worker reads the rows these need from the database file itself (see StoredFeatures), so
// that the server's event loop neither reads nor copies them.

export interface EmbedProjectJob {
  readonly projectId: string
  /** Leave out items with media (their embeddings come from the project's image encoder). */
  readonly excludeMedia: boolean
  /** Output dimensions of a new featurizer (default 256). */
  readonly dims?: number
}

export interface EmbedProjectResult {
  /** The items embedded: those that had no embedding. */
  readonly ids: Int32Array
  /** ids.length x d row-major. */
  readonly X: Float32Array
  readonly d: number
  /** A featurizer fitted by this job (JSON as UTF-8), to store; null when the stored one served. */
  readonly featurizer: Uint8Array | null
}

export interface TrainProjectJob {
  readonly projectId: string
  /** The labelled items and their class, 0..k-1; items without an embedding are left out. */
  readonly itemIds: Int32Array
  readonly y: Int32Array
  readonly k: number
  /** At most this many folds (fewer when there are fewer rows). */
  readonly folds: number
  readonly l2?: number
  readonly seed: number
}

export interface TrainProjectResult extends TrainResult {
  /** The items trained on, in the order of the out-of-fold rows. */
  readonly itemIds: Int32Array
}

export interface ProjectPredictions {
  /** Every item with an embedding, in id order. */
  readonly ids: Int32Array
  /** ids.length x k. */
  readonly proba: Float32Array
  readonly k: number
}

export interface ProjectMap {
  /** Every item with an embedding, in id order. */
  readonly ids: Int32Array
  readonly assignments: Int32Array
  /** ids.length x 2. */
  readonly xy: Float32Array
  readonly method: ProjectionMethod
}

export type WorkerRequest =
  | { readonly op: 'load'; readonly id: string; readonly bytes: Uint8Array; readonly io: ModelIo }
  | {
      readonly op: 'predict'
      readonly id: string
      readonly features: Float32Array
      readonly n: number
      readonly d: number
      readonly softmax: boolean
      /** Shape of one row when the input is not [N, d] (images: [3, H, W]); product d. */
      readonly rowShape?: readonly number[]
    }
  | { readonly op: 'unload'; readonly id: string }
  | {
      readonly op: 'predictProject'
      readonly id: string
      readonly projectId: string
      readonly softmax: boolean
    }
  | { readonly op: 'embedProject'; readonly job: EmbedProjectJob }
  | { readonly op: 'trainProject'; readonly job: TrainProjectJob }
  | {
      readonly op: 'mapProject'
      readonly projectId: string
      readonly k: number
      readonly seed: number
      readonly options: ProjectOptions
    }
  | { readonly op: 'train'; readonly job: TrainJob }
  | { readonly op: 'embed'; readonly job: EmbedJob }
  | { readonly op: 'preprocessImages'; readonly job: PreprocessImagesJob }
  | {
      readonly op: 'cluster'
      readonly X: Float32Array
      readonly n: number
      readonly d: number
      readonly k: number
      readonly seed: number
    }
  | {
      readonly op: 'project2d'
      readonly X: Float32Array
      readonly n: number
      readonly d: number
      readonly seed: number
      readonly options: ProjectOptions
    }

export type WorkerOp = WorkerRequest['op']

/** What each op answers with. */
export interface WorkerResults {
  load: LoadedModelInfo
  predict: { readonly proba: Float32Array; readonly k: number }
  unload: { readonly unloaded: boolean }
  predictProject: ProjectPredictions
  embedProject: EmbedProjectResult
  trainProject: TrainProjectResult
  mapProject: ProjectMap
  train: TrainResult
  embed: EmbedResult
  preprocessImages: PreprocessImagesResult
  cluster: ClusterResult
  project2d: Projection2d
}

/** An error as it crosses the thread boundary; `code` is set for ConcordErrors. */
export interface WireError {
  readonly name: string
  readonly message: string
  readonly code?: string
  readonly details?: readonly ErrorDetail[]
}

export type RequestEnvelope = WorkerRequest & { readonly requestId: number }

export type ResponseEnvelope =
  | { readonly requestId: number; readonly ok: true; readonly result: unknown }
  | { readonly requestId: number; readonly ok: false; readonly error: WireError }

/**
 * Asks the worker to finish what it is doing, release its sessions and end its thread. The
 * runner sends this instead of terminating a thread that may be inside onnxruntime: terminating
 * a worker during InferenceSession.run aborts the whole process ("terminate called after
 * throwing an instance of 'Napi::Error'", onnxruntime-node 1.30).
 */
export interface ShutdownMessage {
  readonly control: 'shutdown'
}

export type MessageToWorker = RequestEnvelope | ShutdownMessage
