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
