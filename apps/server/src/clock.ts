/** Time is injected so tests can move it (assignment expiry, session expiry, idle unload). */
export interface Clock {
  now(): number
}

export const systemClock: Clock = { now: () => Date.now() }
