import { Worker } from 'node:worker_threads'

const BOOTSTRAP = new URL('./ts-worker-bootstrap.mjs', import.meta.url)

export interface SpawnOptions {
  /**
   * Nice value (0-19) the thread takes before it loads anything, so that it gives way to the
   * server's event loop from its first instruction. Default: the parent's.
   */
  readonly nice?: number
}

/**
 * Starts a worker thread running the module `entry` (a file URL, usually
 * `new URL('./x-worker.ts', import.meta.url)`; a .mjs entry runs without tsx's loader).
 * `data` reaches it as `workerData.data`.
 * The parent's flags (--cpu-prof, loaders) are not passed on: the worker sets up its own loader.
 */
export function spawnWorker(
  entry: URL,
  data: unknown,
  name: string,
  options: SpawnOptions = {},
): Worker {
  return new Worker(BOOTSTRAP, {
    workerData: { entry: entry.href, data, nice: options.nice },
    execArgv: [],
    name,
  })
}
