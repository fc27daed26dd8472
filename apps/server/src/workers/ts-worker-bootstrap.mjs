// Entry point of every worker thread the server starts: registers tsx's loader in this thread
// (a worker does not inherit the parent's module hooks under every runner, vitest included), then
// loads the TypeScript module named in workerData.entry.
import { workerData } from 'node:worker_threads'
import { register } from 'tsx/esm/api'

register()
await import(workerData.entry)
