import type { Worker } from 'node:worker_threads'

/**
 * Asks a worker to close its resources (`message`), waits up to `graceMs` for it to exit, then
 * terminates it. A worker left unref'd while serving is ref'd first: the wait must keep the
 * process alive.
 */
export async function stopWorker(worker: Worker, message: unknown, graceMs = 2000): Promise<void> {
  worker.ref()
  let timer: NodeJS.Timeout | undefined
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()))
  worker.postMessage(message)
  await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, graceMs)))])
  clearTimeout(timer)
  await worker.terminate()
}
