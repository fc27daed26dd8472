import { predictProba } from '@concord/core/ml'
import { spawn as spawnProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Worker } from 'node:worker_threads'
import { afterEach, describe, expect, it } from 'vitest'
import { spawnWorker } from '../../workers/spawn-worker'
import { ModelError } from '../onnx/model-error'
import { onnx } from '../onnx/onnx-proto'
import {
  ioModel,
  pngBytes,
  randomBytes,
  randomLogReg,
  randomMatrix,
  referenceProba,
} from '../onnx/test-models'
import { logRegToOnnx } from '../onnx/write-logreg-onnx'
import type { Hold } from './fixtures/held-model-worker'
import { ModelRunner, ModelWorkerError, type ModelRunnerOptions } from './model-runner'
import type { WorkerOp } from './protocol'

const WORKER = new URL('./model-worker.ts', import.meta.url)
const HELD_WORKER = new URL('./fixtures/held-model-worker.ts', import.meta.url)

/** A runner whose workers the test can see (to kill one, or to check that they ended). */
function observedRunner(options: ModelRunnerOptions = {}) {
  const spawned: Worker[] = []
  const exited = new Set<Worker>()
  const runner = new ModelRunner({
    ...options,
    spawn: (lane, data) => {
      const worker = spawnWorker(WORKER, data, `test-${lane}`)
      worker.on('exit', () => exited.add(worker))
      spawned.push(worker)
      return worker
    },
  })
  runners.push(runner)
  return { runner, spawned, exited }
}

/**
 * A runner whose workers hold the first `op` request until release(): a call that certainly
 * outlives a short time limit, on any machine.
 */
function heldRunner(op: WorkerOp, options: ModelRunnerOptions) {
  const gate = new Int32Array(new SharedArrayBuffer(8))
  const hold: Hold = { op, gate: gate.buffer as SharedArrayBuffer }
  const spawned: Worker[] = []
  const exited = new Set<Worker>()
  const release = () => {
    Atomics.store(gate, 0, 1)
    Atomics.notify(gate, 0)
  }
  const runner = new ModelRunner({
    ...options,
    spawn: (lane, data) => {
      const worker = spawnWorker(HELD_WORKER, { ...data, hold }, `test-held-${lane}`)
      worker.on('exit', () => exited.add(worker))
      spawned.push(worker)
      return worker
    },
  })
  runners.push(runner)
  releases.push(release)
  return { runner, spawned, exited, release, wasHeld: () => Atomics.load(gate, 1) === 1 }
}

const runners: ModelRunner[] = []
const releases: (() => void)[] = []
afterEach(async () => {
  for (const release of releases.splice(0)) release()
  await Promise.all(runners.splice(0).map((r) => r.close()))
})

function withUnknownOp(bytes: Uint8Array): Uint8Array {
  const proto = onnx.ModelProto.decode(bytes)
  proto.graph!.node![1]!.opType = 'NoSuchOp'
  return onnx.ModelProto.encode(proto).finish()
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length)
  let max = 0
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!))
  return max
}

async function refusal(promise: Promise<unknown>): Promise<ModelError> {
  const err = await promise.then(
    () => {
      throw new Error('the worker accepted the bytes')
    },
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(ModelError)
  expect((err as ModelError).code).toBe('invalid_model')
  return err as ModelError
}

describe('ModelRunner with onnxruntime', () => {
  it.each([2, 5])(
    'runs logRegToOnnx output like softmax(XW + b) and predictProba (k = %i)',
    async (k) => {
      const { runner } = observedRunner()
      const d = 48
      // More than one 4,096-row batch, with a partial last one.
      const n = 9_000
      const model = randomLogReg(d, k, k, 2)
      const labels = Array.from({ length: k }, (_, i) => `label-${i}`)
      const info = await runner.load('m', logRegToOnnx(model, { labels }))
      expect(info.inputs).toEqual([{ name: 'features', type: 'float32', shape: ['N', d] }])
      expect(info.outputs).toEqual([{ name: 'probabilities', type: 'float32', shape: ['N', k] }])
      const X = randomMatrix(n, d, 11)
      const proba = await runner.predict('m', X, n, d)
      expect(proba.length).toBe(n * k)
      expect(maxAbsDiff(proba, referenceProba(model, X, n))).toBeLessThan(1e-5)
      expect(maxAbsDiff(proba, predictProba(model, X, n))).toBeLessThan(1e-5)
      // The caller's features are copied, not taken.
      expect(X.length).toBe(n * d)
    },
  )

  it('applies a softmax to logits when asked', async () => {
    const { runner } = observedRunner()
    const logits = ioModel({
      inputs: [{ name: 'z', shape: ['N', 3] }],
      outputs: [{ name: 'logits', shape: ['N', 3] }],
    })
    await runner.load('logits', logits)
    const z = new Float32Array([0, 0, 0, 1, 2, 3, -1000, 0, 1000])
    expect([...(await runner.predict('logits', z, 3, 3))]).toEqual([...z])
    const p = await runner.predict('logits', z, 3, 3, { softmax: true, transfer: true })
    const e = [Math.exp(-2), Math.exp(-1), 1]
    const expected = [1 / 3, 1 / 3, 1 / 3, ...e.map((v) => v / (e[0]! + e[1]! + e[2]!)), 0, 0, 1]
    expect(maxAbsDiff(p, expected)).toBeLessThan(1e-6)
    // transfer: true hands the buffer over.
    expect(z.length).toBe(0)
  })

  it('refuses corrupt bytes with invalid_model and keeps serving the loaded model', async () => {
    const { runner, spawned } = observedRunner()
    const good = logRegToOnnx(randomLogReg(8, 2, 1), { labels: ['a', 'b'] })
    await runner.load('good', good)
    const X = randomMatrix(10, 8, 1)
    const before = await runner.predict('good', X, 10, 8)
    const bad: [Uint8Array, RegExp][] = [
      [good.subarray(0, Math.floor(good.length / 2)), /not a valid ONNX model \(truncated/],
      [randomBytes(5000, 3), /not a valid ONNX model/],
      [pngBytes(), /is a PNG image/],
      // Parses as ONNX but names an operator that does not exist: only onnxruntime can tell.
      [withUnknownOp(good), /onnxruntime cannot load the model: .*NoSuchOp/],
    ]
    for (const [bytes, message] of bad) {
      expect((await refusal(runner.load('bad', bytes))).message).toMatch(message)
    }
    expect([...(await runner.predict('good', X, 10, 8))]).toEqual([...before])
    await expect(runner.predict('bad', X, 10, 8)).rejects.toMatchObject({ code: 'not_found' })
    expect(spawned.length).toBe(1)
  })

  it('reports a wrong feature width as a model error naming the rows', async () => {
    const { runner } = observedRunner()
    await runner.load('m', logRegToOnnx(randomLogReg(8, 2, 1), { labels: ['a', 'b'] }))
    const err = await refusal(runner.predict('m', randomMatrix(4, 6, 1), 4, 6))
    expect(err.message).toMatch(/rows 0-3 \(4 x 6 float32\)/)
    await runner.unload('m')
    await expect(runner.predict('m', randomMatrix(4, 8, 1), 4, 8)).rejects.toMatchObject({
      code: 'not_found',
    })
  })

  it('reloads models into a restarted inference worker', async () => {
    const { runner, spawned } = observedRunner()
    const model = randomLogReg(16, 3, 4)
    await runner.load('m', logRegToOnnx(model, { labels: ['a', 'b', 'c'] }))
    const X = randomMatrix(100, 16, 5)
    await runner.predict('m', X, 100, 16)
    // Idle: a thread inside onnxruntime must not be terminated (it aborts the process).
    await spawned[0]!.terminate()
    const proba = await runner.predict('m', X, 100, 16)
    expect(maxAbsDiff(proba, referenceProba(model, X, 100))).toBeLessThan(1e-5)
    expect(spawned.length).toBe(2)
  })

  it('rejects a predict that exceeds its time limit without stopping the worker', async () => {
    const { runner, spawned, exited, release, wasHeld } = heldRunner('predict', {
      timeoutMs: { predict: 50 },
    })
    await runner.load('m', logRegToOnnx(randomLogReg(64, 2, 1), { labels: ['a', 'b'] }))
    await expect(runner.predict('m', randomMatrix(100, 64, 1), 100, 64)).rejects.toMatchObject({
      name: 'ModelWorkerError',
      reason: 'timeout',
      message: expect.stringMatching(/did not finish 'predict' within 0.05 s/),
    })
    expect(wasHeld()).toBe(true)
    // The worker answers the held call now; the runner drops that late answer.
    release()
    const info = await runner.load(
      'other',
      logRegToOnnx(randomLogReg(4, 2, 1), { labels: ['a', 'b'] }),
    )
    expect(info.inputs[0]?.shape).toEqual(['N', 4])
    expect(spawned.length).toBe(1)
    expect(exited.size).toBe(0)
  })
})

describe('ModelRunner compute lane', () => {
  it('rejects pending calls when the worker dies and starts a new one on the next call', async () => {
    const { runner, spawned } = observedRunner()
    const pending = runner.cluster(randomMatrix(60_000, 64, 1), 60_000, 64, 50, 1)
    await spawned[0]!.terminate()
    const err = await pending.catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ModelWorkerError)
    expect((err as ModelWorkerError).reason).toBe('crashed')
    expect((err as Error).message).toMatch(/stopped unexpectedly .* the next call starts a new one/)
    const small = await runner.cluster(randomMatrix(30, 4, 2), 30, 4, 3, 1)
    expect(small.assignments.length).toBe(30)
    expect(spawned.length).toBe(2)
  })

  it('stops a computation that exceeds its time limit and serves the next call', async () => {
    const { runner, exited, wasHeld } = heldRunner('cluster', { timeoutMs: { cluster: 50 } })
    // Started first: the limit counts from the call, and starting a worker takes longer.
    await runner.project2d(randomMatrix(30, 4, 2), 30, 4, 1)
    await expect(runner.cluster(randomMatrix(30, 4, 1), 30, 4, 3, 1)).rejects.toMatchObject({
      name: 'ModelWorkerError',
      reason: 'timeout',
      message: expect.stringMatching(/it was stopped and the next call starts a new one/),
    })
    expect(wasHeld()).toBe(true)
    // Same lane, an op without the tiny limit: served by a new worker.
    const map = await runner.project2d(randomMatrix(30, 4, 2), 30, 4, 1)
    expect(map.xy.length).toBe(60)
    expect(exited.size).toBe(1)
  })

  it('trains in the worker: model, out-of-fold probabilities and cv metrics', async () => {
    const { runner } = observedRunner()
    const n = 600
    const d = 10
    const X = randomMatrix(n, d, 3)
    // Separable by the sign of the first feature.
    const y = Int32Array.from({ length: n }, (_, i) => (X[i * d]! > 0 ? 1 : 0))
    const result = await runner.train({ X, n, d, y, k: 2, folds: 5, seed: 1 })
    expect(result.model.W.length).toBe(d * 2)
    expect(result.oof.length).toBe(n * 2)
    expect(result.cv.folds).toBe(5)
    expect(result.cv.accuracy).toBeGreaterThan(0.9)
    expect(result.cv.majorityRate).toBeGreaterThanOrEqual(0.5)
    const onnxBytes = logRegToOnnx(result.model, { labels: ['neg', 'pos'] })
    await runner.load('trained', onnxBytes)
    const proba = await runner.predict('trained', X, n, d)
    expect(maxAbsDiff(proba, predictProba(result.model, X, n))).toBeLessThan(1e-5)
  })

  it('embeds texts, and a stored featurizer gives the same vectors', async () => {
    const { runner } = observedRunner()
    const texts = ['cheap pills now', 'meeting at noon', 'cheap meeting']
    const first = await runner.embedTexts({ texts, featurizer: null })
    expect(first.X.length).toBe(3 * first.d)
    const again = await runner.embedTexts({ texts, featurizer: first.featurizer })
    expect([...again.X]).toEqual([...first.X])
  })

  it('clusters and projects to 2D (UMAP when small, PCA when asked or large)', async () => {
    const { runner } = observedRunner()
    const X = randomMatrix(300, 8, 4)
    const clusters = await runner.cluster(X, 300, 8, 4, 1)
    expect(clusters.assignments.length).toBe(300)
    expect(clusters.centroids.length).toBe(32)
    const umap = await runner.project2d(X, 300, 8, 1)
    expect(umap.method).toBe('umap')
    expect(umap.xy.length).toBe(600)
    expect([...(await runner.project2d(X, 300, 8, 1)).xy]).toEqual([...umap.xy])
    const pca = await runner.project2d(X, 300, 8, 1, { umapMaxRows: 100 })
    expect(pca.method).toBe('pca')
    expect(pca.xy.length).toBe(600)
  })
})

describe('ModelRunner.close', () => {
  it('ends every worker and refuses later calls', async () => {
    const { runner, spawned, exited } = observedRunner()
    await runner.load('m', logRegToOnnx(randomLogReg(4, 2, 1), { labels: ['a', 'b'] }))
    await runner.cluster(randomMatrix(20, 4, 1), 20, 4, 2, 1)
    expect(runner.workers).toBe(2)
    await runner.close()
    expect(runner.workers).toBe(0)
    expect(spawned.every((w) => exited.has(w))).toBe(true)
    await expect(runner.predict('m', new Float32Array(4), 1, 4)).rejects.toMatchObject({
      reason: 'closed',
    })
  })

  it('ends the inference worker safely when closed during a prediction', async () => {
    const { runner, spawned, exited, release, wasHeld } = heldRunner('predict', {})
    await runner.load('m', logRegToOnnx(randomLogReg(16, 3, 1), { labels: ['a', 'b', 'c'] }))
    const outcome = runner
      .predict('m', randomMatrix(20_000, 16, 1), 20_000, 16)
      .catch((err: unknown) => err)
    while (!wasHeld()) await new Promise((resolve) => setTimeout(resolve, 5))
    // Terminating the thread now would abort this test process; close() must not.
    const closing = runner.close()
    release()
    await closing
    expect(await outcome).toMatchObject({ reason: 'closed' })
    expect(exited.has(spawned[0]!)).toBe(true)
  })

  it('lets the process exit after close', async () => {
    const script = fileURLToPath(new URL('./fixtures/runner-exit.ts', import.meta.url))
    const child = spawnProcess(process.execPath, ['--import', 'tsx', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL')
        reject(new Error(`the process did not exit within 30 s after close(): ${output}`))
      }, 30_000)
      child.on('exit', (exitCode) => {
        clearTimeout(timer)
        resolve(exitCode)
      })
    })
    expect(output).toContain('closed')
    expect(code).toBe(0)
  })
})
