import type { Timers } from './sync-server'

export const nodeTimers: Timers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms)
    t.unref()
    return t
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
}

export const nextTick = (fn: () => void): void => {
  setImmediate(fn)
}
