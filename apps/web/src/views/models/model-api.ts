// The model-loop API as the web app reads it (apps/server/src/http/routes/model-routes.ts).
import { ApiError } from '../../lib/api'

export type SuggestionsVisibility = 'auto' | 'hidden' | 'reviewers' | 'everyone'
export type QueueOrder =
  'default' | 'least-confidence' | 'margin' | 'entropy' | 'random' | 'disagreement' | 'coverage'

export interface ModelSettings {
  suggestions: SuggestionsVisibility
  queueOrder: QueueOrder
  retrainEvery: number
  /** A pinned model; null follows the newest one. */
  activeModel: string | null
  clustersK: number | null
}

export interface ModelCv {
  accuracy: number
  macroF1: number
  majorityRate: number
  folds: number
  trainedOn?: number
}

export interface ModelSummary {
  id: string
  version: number
  kind: 'trained' | 'uploaded'
  name: string
  createdAt: number
  labelsCount: number
  inputKind: string
  labels: string[]
  active: boolean
  /** 'pending' until its first pass over the items works; 'failed' models are never active. */
  status: 'pending' | 'ok' | 'failed'
  /** Why it failed, in the runtime's words. */
  error?: string
  cv?: ModelCv
}

export interface TrainingStatus {
  state: 'idle' | 'queued' | 'running'
  step?: string
  reason?: string
  lastError?: string
}

export interface ModelsResponse {
  models: ModelSummary[]
  active: string | null
  training: TrainingStatus
  settings: ModelSettings
}

export interface ModelRef {
  id: string
  version: number
}

export interface SuggestionsResponse {
  model: ModelRef | null
  labels: Array<{ label: string; probability: number }>
  hidden: boolean
}

export interface MislabeledItem {
  itemId: string
  externalId: string
  text: string | null
  given: string
  suggested: string
  selfConfidence: number
  /** The annotator's user id, in the per-annotator scope. */
  annotator?: string
}

export interface MislabeledResponse {
  model: ModelRef | null
  items: MislabeledItem[]
}

export interface ClusterStat {
  cluster: number
  size: number
  labelled: number
  /** Consensus labels per label, in the project's label order (an array, or an object with numeric keys when a typed array was serialised). */
  labelCounts: number[] | Record<string, number>
  /** null when no item of the cluster has two labels (NaN does not survive JSON). */
  meanDisagreement: number | null
  gap: boolean
}

export interface ClustersResponse {
  k: number
  clusters: ClusterStat[]
}

export interface ClusterItem {
  itemId: string
  externalId: string
  text: string | null
  labelCount: number
}

export interface ClusterItemsResponse {
  cluster: number
  items: ClusterItem[]
}

export interface MapPoint {
  itemId: string
  externalId: string
  x: number
  y: number
  cluster: number
  label: string | null
  disagreement: number | null
}

export interface MapResponse {
  method: 'umap' | 'pca'
  points: MapPoint[]
}

/** GET /map/progress: the running clusters-and-map computation, or null. */
export interface MapProgressResponse {
  progress: { step: string; startedAt: number; items?: number } | null
}

export const projectBase = (projectId: string): string =>
  `/api/projects/${encodeURIComponent(projectId)}`

/** The annotate view opens `?item=` by the item's external id (as the booklet's links do). */
export const annotateHref = (projectId: string, externalId: string): string =>
  `/p/${projectId}/annotate?item=${encodeURIComponent(externalId)}`

/** A count per label index from either shape of `labelCounts`. */
export function labelCountAt(counts: ClusterStat['labelCounts'], i: number): number {
  const v = Array.isArray(counts) ? counts[i] : counts[String(i)]
  return typeof v === 'number' && Number.isFinite(v) ? v : 0
}

export function percent(p: number, digits = 0): string {
  return `${(100 * p).toFixed(digits)}%`
}

/**
 * Uploads a model as multipart form data with progress (fetch cannot report upload progress;
 * model files run to hundreds of megabytes). Rejects with the server's ApiError, message intact.
 */
export function uploadModel(
  projectId: string,
  file: File,
  manifest: string,
  onProgress: (fraction: number) => void,
): Promise<ModelSummary> {
  const form = new FormData()
  form.append('model', file)
  form.append('manifest', manifest)
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', `${projectBase(projectId)}/models`)
    xhr.withCredentials = true
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total)
    }
    xhr.onerror = () => reject(new ApiError(0, 'network', 'the upload failed: network error'))
    xhr.onload = () => {
      let body: unknown
      try {
        body = JSON.parse(xhr.responseText)
      } catch {
        body = undefined
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(body as ModelSummary)
        return
      }
      const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error
      reject(
        new ApiError(
          xhr.status,
          error?.code ?? 'error',
          error?.message ?? (xhr.statusText || `HTTP ${xhr.status}`),
        ),
      )
    }
    xhr.send(form)
  })
}
