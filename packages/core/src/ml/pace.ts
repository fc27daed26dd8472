/**
 * Called by long computations between small units of work (a text, a row of a matrix product,
 * an optimiser iteration), so that whoever runs them can give the CPU to more urgent work: it
 * may block for a moment, or return at once. Core reads no clock and never sleeps by itself;
 * the caller's implementation decides (the server's model worker pauses while people are
 * editing, see apps/server/src/models/runtime/yielding-pace.ts).
 */
export type Pace = () => void

/** The pace of a computation nothing waits for: never pauses. */
export const noPace: Pace = () => undefined
