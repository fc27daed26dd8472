// Model runtime throughput: onnxruntime inference, k-means, 2D maps and training, all through
// ModelRunner's worker threads as the server uses them, on synthetic text-like embeddings
// (a Gaussian mixture, rows L2-normalised like the built-in text features).
//
//   npx tsx apps/server/bench/models.bench.ts
import { cpus } from 'node:os'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { gaussian, mulberry32, trainLogReg } from '@concord/core/ml'
import { logRegToOnnx } from '../src/models/onnx/write-logreg-onnx'
import { randomLogReg } from '../src/models/onnx/test-models'
import { ModelRunner } from '../src/models/runtime/model-runner'
import { fmt, table } from './lib/report'

const D = 256
const K_CLASSES = 5

interface Row {
  task: string
  size: string
  seconds: number
  /** Seconds; undefined when the plan sets none. */
  target?: number
}

/** n x d unit rows around `centres` random centres; labels are the centre index mod k. */
function embeddings(n: number, d: number, centres: number, k: number, seed: number) {
  const rng = mulberry32(seed)
  const C = Float32Array.from({ length: centres * d }, () => gaussian(rng))
  const X = new Float32Array(n * d)
  const y = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    const c = Math.floor(rng() * centres)
    y[i] = c % k
    let norm = 0
    for (let j = 0; j < d; j++) {
      const v = C[c * d + j]! + 1.5 * gaussian(rng)
      X[i * d + j] = v
      norm += v * v
    }
    norm = Math.sqrt(norm)
    for (let j = 0; j < d; j++) X[i * d + j]! /= norm
  }
  return { X, y }
}

async function timed<T>(fn: () => Promise<T> | T): Promise<{ value: T; seconds: number }> {
  const start = performance.now()
  const value = await fn()
  return { value, seconds: (performance.now() - start) / 1000 }
}

async function main(): Promise<void> {
  const rows: Row[] = []
  const { X, y } = embeddings(100_000, D, 80, K_CLASSES, 1)
  const runner = new ModelRunner()
  const loop = monitorEventLoopDelay({ resolution: 10 })
  try {
    // Warm-up: worker start (tsx, onnxruntime's native library) is not what is measured.
    const model = randomLogReg(D, K_CLASSES, 1)
    const labels = Array.from({ length: K_CLASSES }, (_, i) => `c${i}`)
    await runner.load('bench', logRegToOnnx(model, { labels }))
    await runner.predict('bench', X.subarray(0, 100 * D), 100, D)
    await runner.cluster(X.subarray(0, 100 * D), 100, D, 2, 1)

    loop.enable()
    const predict = await timed(() => runner.predict('bench', X, 100_000, D))
    loop.disable()
    rows.push({
      task: 'predict (onnxruntime, worker)',
      size: '100,000 x 256, k=5',
      seconds: predict.seconds,
      target: 2,
    })

    const cluster = await timed(() => runner.cluster(X, 100_000, D, 50, 1))
    rows.push({
      task: `k-means k=50 (fitted on ${cluster.value.fittedOn.toLocaleString('en-US')} rows, ${cluster.value.iterations} iterations)`,
      size: '100,000 x 256',
      seconds: cluster.seconds,
      target: 10,
    })

    const n50 = 50_000
    const X50 = X.subarray(0, n50 * D)
    const y50 = y.subarray(0, n50)
    const fit = await timed(() => trainLogReg(X50, n50, D, y50, K_CLASSES))
    rows.push({
      task: `trainLogReg fit (${fit.value.iterations} L-BFGS iterations)`,
      size: '50,000 x 256, k=5',
      seconds: fit.seconds,
      target: 5,
    })
    const train = await timed(() =>
      runner.train({
        X: X50,
        n: n50,
        d: D,
        y: Int32Array.from(y50),
        k: K_CLASSES,
        folds: 5,
        seed: 1,
      }),
    )
    rows.push({
      task: `train in worker: fit + 5-fold out-of-fold (6 fits; cv accuracy ${fmt(train.value.cv.accuracy, 3)})`,
      size: '50,000 x 256, k=5',
      seconds: train.seconds,
      target: 6 * 5,
    })

    const n20 = 20_000
    const umap = await timed(() => runner.project2d(X.subarray(0, n20 * D), n20, D, 1))
    rows.push({
      task: `2D map (${umap.value.method})`,
      size: '20,000 x 256',
      seconds: umap.seconds,
    })
    const pca = await timed(() => runner.project2d(X, 100_000, D, 1))
    rows.push({ task: `2D map (${pca.value.method})`, size: '100,000 x 256', seconds: pca.seconds })
  } finally {
    await runner.close()
  }

  console.log(
    `\n${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}\n`,
  )
  console.log(
    table(
      ['task', 'size', 'seconds', 'target', 'met'],
      rows.map((r) => [
        r.task,
        r.size,
        fmt(r.seconds, 2),
        r.target === undefined ? '-' : `< ${r.target} s`,
        r.target === undefined ? '-' : r.seconds < r.target ? 'yes' : 'NO',
      ]),
    ),
  )
  console.log(
    `\nMain-thread event loop during the 100,000-row prediction: max delay ${fmt(loop.max / 1e6, 1)} ms (the work runs in the worker).`,
  )
}

await main()
