// Entry point of every worker thread the server starts: lowers the thread's priority when asked,
// registers tsx's loader in this thread when the module is TypeScript (a worker does not inherit
// the parent's module hooks under every runner, vitest included), then loads the module named in
// workerData.entry.
import { setPriority } from 'node:os'
import { workerData } from 'node:worker_threads'

// First, before anything is compiled: on Linux a nice value belongs to a thread and threads
// inherit it when they start, so this also covers the loader thread register() starts and the
// threads onnxruntime starts later. Compiling the worker's modules takes about a second of CPU,
// which must not compete with the server's event loop either.
if (typeof workerData.nice === 'number') {
  try {
    setPriority(workerData.nice)
  } catch {
    // not permitted here: run at normal priority
  }
}
// A JavaScript entry needs no loader: registering tsx would start a loader thread and cost tens
// of megabytes and ~0.5 s of compiling for nothing.
if (/\.[cm]?ts$/.test(new URL(workerData.entry).pathname)) {
  const { register } = await import('tsx/esm/api')
  register()
}
await import(workerData.entry)
