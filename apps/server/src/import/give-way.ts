/** Work done in one go before giving way, in ms: far below the 100 ms a stall may last. */
export const SLICE_MS = 10

/**
 * Cuts long work on the event loop into slices. Call the returned function often (after each
 * chunk, each batch of rows); once the current slice has run `sliceMs`, it waits for the next
 * turn of the event loop (setImmediate), so that requests, sync messages and timers queued
 * meanwhile run before the work goes on. Awaiting already-resolved promises is not enough: those
 * continue as microtasks, before any I/O, which is how a 50 MB import once stalled every other
 * request for 4 s.
 */
export function createGiveWay(
  sliceMs: number = SLICE_MS,
  now: () => number = () => performance.now(),
): () => Promise<void> {
  let sliceStart = now()
  return async () => {
    if (now() - sliceStart < sliceMs) return
    await new Promise<void>((resolve) => setImmediate(resolve))
    sliceStart = now()
  }
}
