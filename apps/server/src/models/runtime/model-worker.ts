/**
 * The model worker thread. ModelRunner starts one for inference (onnxruntime sessions) and one
 * for computation (training, embedding, clustering, 2D maps), so that neither blocks the
 * server's event loop and a long training run does not delay predictions. Every request is
 * answered, with an error when it fails: a model onnxruntime refuses must not end the thread.
 */
import { ConcordError } from '@concord/core'
import {
  accuracy,
  argmaxRows,
  embedTexts,
  fitTextFeaturizer,
  macroF1,
  majorityRate,
  mulberry32,
  noPace,
  outOfFoldProba,
  parseTextFeaturizer,
  serializeTextFeaturizer,
  stratifiedFolds,
  trainLogReg,
  type Pace,
} from '@concord/core/ml'
import type * as Ort from 'onnxruntime-node'
import { parentPort, workerData } from 'node:worker_threads'
import { inspectOnnx } from '../onnx/inspect-onnx'
import { ModelError } from '../onnx/model-error'
import { readFileSync } from 'node:fs'
import { decodeImage } from './image-decode'
import { imageTensorSize, imageToTensor } from './image-preprocess'
import { clusterEmbeddings } from './kmeans'
import { project2d } from './project-2d'
import { StoredFeatures } from './stored-features'
import { makeYieldingPace, SyncActivity, workerPaceClock, type YieldPolicy } from './yielding-pace'
import type {
  EmbedJob,
  EmbedProjectJob,
  EmbedProjectResult,
  EmbedResult,
  LoadedModelInfo,
  MessageToWorker,
  ModelIo,
  PreprocessImagesJob,
  PreprocessImagesResult,
  ResponseEnvelope,
  RuntimeTensorInfo,
  TrainJob,
  TrainProjectJob,
  TrainProjectResult,
  TrainResult,
  WireError,
  WorkerRequest,
} from './protocol'

/** Rows per onnxruntime call: large enough to amortise the call, small enough to bound memory. */
export const PREDICT_BATCH_ROWS = 4096

export interface ModelWorkerData {
  /** onnxruntime intra-op threads; default: onnxruntime's choice (one per core). */
  readonly ortThreads?: number
  /** The server's SQLite file, read by the *Project jobs. */
  readonly dbFile?: string
  /** Where the server notes sync activity, and how computation gives way to it. */
  readonly yieldToSync?: { readonly activity: SharedArrayBuffer; readonly policy: YieldPolicy }
}

interface LoadedSession {
  readonly session: Ort.InferenceSession
  readonly inputName: string
  readonly outputName: string
}

const port = parentPort
if (!port) throw new Error('model-worker.ts must run in a worker thread (use ModelRunner)')
const config = ((workerData as { data?: ModelWorkerData } | null)?.data ?? {}) as ModelWorkerData
const sessions = new Map<string, LoadedSession>()
/** Handed to every long computation: it pauses while people are editing (yielding-pace.ts). */
const pace: Pace = config.yieldToSync
  ? makeYieldingPace(
      new SyncActivity(config.yieldToSync.activity),
      config.yieldToSync.policy,
      workerPaceClock(),
    )
  : noPace
let ortModule: Promise<typeof Ort> | undefined
let storedFeatures: StoredFeatures | undefined

function stored(): StoredFeatures {
  if (!config.dbFile) throw new Error('this model worker was started without a database file')
  storedFeatures ??= new StoredFeatures(config.dbFile)
  return storedFeatures
}

// Loaded on first use: the compute worker never pays for onnxruntime's native library.
function ort(): Promise<typeof Ort> {
  ortModule ??= import('onnxruntime-node')
  return ortModule
}

const inFlight = new Set<Promise<void>>()
let closing = false

port.on('message', (message: MessageToWorker) => {
  if ('control' in message) {
    void shutdown()
    return
  }
  const request = message
  const done = handle(request).then(
    ({ result, transfer }) => reply({ requestId: request.requestId, ok: true, result }, transfer),
    (err: unknown) => reply({ requestId: request.requestId, ok: false, error: toWire(err) }, []),
  )
  inFlight.add(done)
  void done.finally(() => inFlight.delete(done))
})

/** Ends the thread at a safe point: no onnxruntime call in progress, every session released. */
async function shutdown(): Promise<void> {
  closing = true
  await Promise.allSettled([...inFlight])
  await Promise.allSettled([...sessions.values()].map((s) => s.session.release()))
  sessions.clear()
  storedFeatures?.close()
  // Nothing else holds the event loop, so closing the port lets the thread end by itself.
  port!.close()
}

function reply(message: ResponseEnvelope, transfer: ArrayBuffer[]): void {
  port!.postMessage(message, transfer)
}

interface Handled {
  readonly result: unknown
  readonly transfer: ArrayBuffer[]
}

async function handle(request: WorkerRequest): Promise<Handled> {
  switch (request.op) {
    case 'load':
      return { result: await load(request.id, request.bytes, request.io), transfer: [] }
    case 'predict': {
      const proba = await predict(
        request.id,
        request.features,
        request.n,
        request.d,
        request.rowShape ?? [request.d],
      )
      if (request.softmax) softmaxRows(proba.values, request.n, proba.k)
      return { result: { proba: proba.values, k: proba.k }, transfer: [buffer(proba.values)] }
    }
    case 'unload': {
      const loaded = sessions.get(request.id)
      sessions.delete(request.id)
      await loaded?.session.release()
      return { result: { unloaded: loaded !== undefined }, transfer: [] }
    }
    case 'predictProject': {
      const { ids, X, d } = stored().embeddings(request.projectId)
      const proba = await predict(request.id, X, ids.length, d, [d])
      if (request.softmax) softmaxRows(proba.values, ids.length, proba.k)
      return {
        result: { ids, proba: proba.values, k: proba.k },
        transfer: [buffer(ids), buffer(proba.values)],
      }
    }
    case 'embedProject': {
      const result = embedProject(request.job)
      const transfer = [buffer(result.ids), buffer(result.X)]
      if (result.featurizer) transfer.push(buffer(result.featurizer))
      return { result, transfer }
    }
    case 'trainProject': {
      const result = trainProject(request.job)
      return { result, transfer: [buffer(result.oof), buffer(result.itemIds)] }
    }
    case 'mapProject': {
      const { ids, X, d } = stored().embeddings(request.projectId)
      const k = Math.max(1, Math.min(request.k, ids.length))
      const { assignments } = clusterEmbeddings(X, ids.length, d, k, request.seed, { pace })
      const { xy, method } = project2d(X, ids.length, d, request.seed, request.options, pace)
      return {
        result: { ids, assignments, xy, method },
        transfer: [buffer(ids), buffer(assignments), buffer(xy)],
      }
    }
    case 'train': {
      const result = train(request.job)
      return { result, transfer: [buffer(result.oof)] }
    }
    case 'embed': {
      const result = embed(request.job)
      return { result, transfer: [buffer(result.X)] }
    }
    case 'preprocessImages': {
      const result = preprocessImages(request.job)
      return { result, transfer: [buffer(result.X)] }
    }
    case 'cluster': {
      const result = clusterEmbeddings(request.X, request.n, request.d, request.k, request.seed, {
        pace,
      })
      return { result, transfer: [buffer(result.assignments), buffer(result.centroids)] }
    }
    case 'project2d': {
      const { X, n, d, seed, options } = request
      const result = project2d(X, n, d, seed, options, pace)
      return { result, transfer: [buffer(result.xy)] }
    }
  }
}

async function load(id: string, bytes: Uint8Array, io: ModelIo): Promise<LoadedModelInfo> {
  const { InferenceSession } = await ort()
  // A load replaces the id even when it fails, so the runner and the worker agree on what is
  // loaded.
  const previous = sessions.get(id)
  sessions.delete(id)
  await previous?.session.release()
  let session: Ort.InferenceSession
  try {
    session = await InferenceSession.create(bytes, {
      graphOptimizationLevel: 'all',
      ...(config.ortThreads ? { intraOpNumThreads: config.ortThreads } : {}),
    })
  } catch (err) {
    // onnxruntime says little more than "protobuf parsing failed"; the inspector can often
    // say what the file is instead.
    inspectOnnx(bytes)
    throw new ModelError(`onnxruntime cannot load the model: ${firstLine(err)}`)
  }
  const inputs = session.inputMetadata.map(describe)
  const outputs = session.outputMetadata.map(describe)
  const inputName = io.inputName ?? inputs[0]?.name
  const outputName = io.outputName ?? outputs[0]?.name
  const missing =
    inputName === undefined || !inputs.some((v) => v.name === inputName)
      ? `no input named '${inputName ?? ''}' (its inputs: ${listNames(inputs)})`
      : outputName === undefined || !outputs.some((v) => v.name === outputName)
        ? `no output named '${outputName ?? ''}' (its outputs: ${listNames(outputs)})`
        : null
  if (missing !== null || inputName === undefined || outputName === undefined) {
    await session.release()
    throw new ModelError(`the model has ${missing}`)
  }
  sessions.set(id, { session, inputName, outputName })
  return { inputs, outputs }
}

async function predict(
  id: string,
  features: Float32Array,
  n: number,
  d: number,
  rowShape: readonly number[],
): Promise<{ values: Float32Array; k: number }> {
  const loaded = sessions.get(id)
  if (!loaded) throw new ConcordError('not_found', `no model '${id}' is loaded in the worker`)
  const { Tensor } = await ort()
  let out: Float32Array | null = null
  let k = 0
  for (let start = 0; start < n; start += PREDICT_BATCH_ROWS) {
    if (closing) throw new Error('the model worker is shutting down')
    const rows = Math.min(PREDICT_BATCH_ROWS, n - start)
    const input = new Tensor('float32', features.subarray(start * d, (start + rows) * d), [
      rows,
      ...rowShape,
    ])
    let results: Ort.InferenceSession.ReturnType
    try {
      results = await loaded.session.run({ [loaded.inputName]: input }, [loaded.outputName])
    } catch (err) {
      throw new ModelError(
        `the model failed on rows ${start}-${start + rows - 1} (${[rows, ...rowShape].join(' x ')} float32): ${firstLine(err)}`,
      )
    }
    const output = results[loaded.outputName]
    if (!output || output.type !== 'float32' || output.dims.length !== 2) {
      const got = output ? `${output.type} [${output.dims.join(', ')}]` : 'nothing'
      throw new ModelError(
        `output '${loaded.outputName}' gave ${got}; Concord needs float32 [${rows}, classes]`,
      )
    }
    const [outRows, classes] = output.dims as [number, number]
    if (outRows !== rows || (out !== null && classes !== k)) {
      throw new ModelError(
        `output '${loaded.outputName}' gave [${outRows}, ${classes}] for ${rows} rows; expected one row of scores per input row`,
      )
    }
    if (out === null) {
      k = classes
      out = new Float32Array(n * k)
    }
    out.set(output.data as Float32Array, start * k)
    output.dispose()
  }
  if (out === null) {
    // No rows: report the class count from the model's declared output shape when it has one.
    const meta = loaded.session.outputMetadata.find((m) => m.name === loaded.outputName)
    const declared = meta?.isTensor ? meta.shape[1] : undefined
    k = typeof declared === 'number' ? declared : 0
    out = new Float32Array(0)
  }
  return { values: out, k }
}

function preprocessImages(job: PreprocessImagesJob): PreprocessImagesResult {
  const size = imageTensorSize(job.image)
  const X = new Float32Array(job.paths.length * size)
  const ok: number[] = []
  const failed: { index: number; reason: string }[] = []
  job.paths.forEach((path, index) => {
    pace()
    try {
      imageToTensor(decodeImage(readFileSync(path)), job.image, X, ok.length * size)
      ok.push(index)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      const why = code === 'ENOENT' ? 'no such file' : firstLine(err)
      failed.push({ index, reason: `${path}: ${why}` })
    }
  })
  // Only the decoded rows travel back.
  return { X: X.slice(0, ok.length * size), ok, failed }
}

function train(job: TrainJob): TrainResult {
  const { X, n, d, y, k, folds, seed } = job
  const options = {
    ...(job.l2 !== undefined ? { l2: job.l2 } : {}),
    ...(job.maxIter !== undefined ? { maxIter: job.maxIter } : {}),
    pace,
  }
  const model = trainLogReg(X, n, d, y, k, options)
  const foldOf = stratifiedFolds(y, k, folds, mulberry32(seed))
  const oof = outOfFoldProba(X, n, d, y, k, foldOf, options)
  const predicted = argmaxRows(oof, n, k)
  return {
    model,
    oof,
    cv: {
      accuracy: accuracy(y, predicted),
      macroF1: macroF1(y, predicted, k),
      majorityRate: majorityRate(y, k),
      folds,
    },
  }
}

function embed(job: EmbedJob): EmbedResult {
  const model =
    job.featurizer === null
      ? fitTextFeaturizer(job.fitTexts ?? job.texts, {
          ...(job.dims ? { dims: job.dims } : {}),
          pace,
        })
      : parseTextFeaturizer(JSON.parse(job.featurizer))
  const X = embedTexts(model, job.texts, pace)
  const featurizer = job.featurizer ?? JSON.stringify(serializeTextFeaturizer(model))
  return { X, d: model.dims, featurizer }
}

function embedProject(job: EmbedProjectJob): EmbedProjectResult {
  const store = stored()
  const { ids, texts } = store.missingTexts(job.projectId, job.excludeMedia)
  if (ids.length === 0) {
    return { ids, X: new Float32Array(0), d: 0, featurizer: null }
  }
  const existing = store.featurizer(job.projectId)
  if (existing !== null) {
    const model = parseTextFeaturizer(JSON.parse(existing))
    return { ids, X: embedTexts(model, texts, pace), d: model.dims, featurizer: null }
  }
  // A new featurizer is fitted on every text of the project, not only the missing ones.
  const model = fitTextFeaturizer(store.allTexts(job.projectId), {
    ...(job.dims ? { dims: job.dims } : {}),
    pace,
  })
  const featurizer = new TextEncoder().encode(JSON.stringify(serializeTextFeaturizer(model)))
  return { ids, X: embedTexts(model, texts, pace), d: model.dims, featurizer }
}

function trainProject(job: TrainProjectJob): TrainProjectResult {
  const { ids, X, d } = stored().embeddings(job.projectId, job.itemIds)
  const classOf = new Map<number, number>()
  job.itemIds.forEach((id, i) => classOf.set(id, job.y[i]!))
  const y = Int32Array.from(ids, (id) => classOf.get(id)!)
  const classes = new Set(y).size
  if (classes < 2) {
    throw new ConcordError(
      'not_ready',
      `training needs labelled items with embeddings of at least two classes; there are ${classes}`,
    )
  }
  const result = train({
    X,
    n: ids.length,
    d,
    y,
    k: job.k,
    folds: Math.min(job.folds, ids.length),
    ...(job.l2 !== undefined ? { l2: job.l2 } : {}),
    seed: job.seed,
  })
  return { ...result, itemIds: ids }
}

/** In place; rows of logits become probabilities (max subtracted first, so exp cannot overflow). */
function softmaxRows(values: Float32Array, n: number, k: number): void {
  for (let i = 0; i < n; i++) {
    const row = i * k
    let max = -Infinity
    for (let c = 0; c < k; c++) max = Math.max(max, values[row + c]!)
    let sum = 0
    for (let c = 0; c < k; c++) {
      const e = Math.exp(values[row + c]! - max)
      values[row + c] = e
      sum += e
    }
    for (let c = 0; c < k; c++) values[row + c]! /= sum
  }
}

function describe(meta: Ort.InferenceSession.ValueMetadata): RuntimeTensorInfo {
  return meta.isTensor
    ? { name: meta.name, type: meta.type, shape: [...meta.shape] }
    : { name: meta.name, type: 'non-tensor', shape: [] }
}

function listNames(values: readonly RuntimeTensorInfo[]): string {
  return values.length === 0 ? 'none' : values.map((v) => `'${v.name}'`).join(', ')
}

/** The transferable buffer behind a typed array the worker created itself. */
function buffer(view: ArrayBufferView): ArrayBuffer {
  return view.buffer as ArrayBuffer
}

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err)
  return message.split('\n')[0]!.slice(0, 500)
}

function toWire(err: unknown): WireError {
  if (err instanceof ConcordError) {
    return { name: err.name, message: err.message, code: err.code, details: [...err.details] }
  }
  if (err instanceof Error) return { name: err.name, message: err.message }
  return { name: 'Error', message: String(err) }
}
