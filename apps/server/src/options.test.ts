import { describe, expect, it } from 'vitest'
import { resolveOptions } from './options'

describe('resolveOptions: CONCORD_MODEL_SHARE_WHILE_EDITING', () => {
  const cases: Array<{ env: string | undefined; flag?: number; share?: number; error?: RegExp }> = [
    { env: undefined, share: 10 },
    { env: '100', share: 100 },
    { env: '25', flag: 50, share: 50 },
    { env: '0', error: /from 1 to 100, got '0'/ },
    { env: '101', error: /from 1 to 100, got '101'/ },
    { env: 'lots', error: /non-negative integer, got 'lots'/ },
  ]
  for (const c of cases) {
    it(`env ${c.env ?? '(unset)'}${c.flag ? `, flag ${c.flag}` : ''}`, () => {
      const env = c.env === undefined ? {} : { CONCORD_MODEL_SHARE_WHILE_EDITING: c.env }
      const resolve = () =>
        resolveOptions(c.flag ? { modelShareWhileEditing: c.flag } : {}, env).modelShareWhileEditing
      if (c.error) expect(resolve).toThrow(c.error)
      else expect(resolve()).toBe(c.share)
    })
  }
})

describe('resolveOptions: CONCORD_DURABLE_WITHIN_MS', () => {
  const cases: Array<{ env: string | undefined; flag?: number; ms?: number; error?: RegExp }> = [
    { env: undefined, ms: 200 },
    { env: '50', ms: 50 },
    { env: '0', ms: 0 },
    { env: '1000', ms: 1000 },
    { env: '100', flag: 20, ms: 20 },
    { env: '1001', error: /from 0 to 1000, got '1001'/ },
    { env: '-5', error: /non-negative integer, got '-5'/ },
    { env: '0.5', error: /non-negative integer, got '0.5'/ },
  ]
  for (const c of cases) {
    it(`env ${c.env ?? '(unset)'}${c.flag !== undefined ? `, flag ${c.flag}` : ''}`, () => {
      const env = c.env === undefined ? {} : { CONCORD_DURABLE_WITHIN_MS: c.env }
      const resolve = () =>
        resolveOptions(c.flag !== undefined ? { durableWithinMs: c.flag } : {}, env).durableWithinMs
      if (c.error) expect(resolve).toThrow(c.error)
      else expect(resolve()).toBe(c.ms)
    })
  }
})
