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

describe('resolveOptions: log compaction', () => {
  type Given = { after?: number; quiet?: number; busy?: number }
  const cases: Array<{ given: Given; want?: Required<Given>; error?: RegExp }> = [
    { given: {}, want: { after: 500, quiet: 1000, busy: 4000 } },
    { given: { after: 25 }, want: { after: 25, quiet: 1000, busy: 4000 } },
    // A threshold above the busy default raises the busy limit with it.
    { given: { after: 10_000 }, want: { after: 10_000, quiet: 1000, busy: 10_000 } },
    { given: { after: 3, quiet: 0, busy: 3 }, want: { after: 3, quiet: 0, busy: 3 } },
    { given: { after: 500, busy: 100 }, error: /\(100\) must be at least .* \(500\)/ },
  ]
  for (const c of cases) {
    it(JSON.stringify(c.given), () => {
      const resolve = () => {
        const o = resolveOptions(
          {
            ...(c.given.after !== undefined ? { compactAfterUpdates: c.given.after } : {}),
            ...(c.given.quiet !== undefined ? { compactQuietMs: c.given.quiet } : {}),
            ...(c.given.busy !== undefined ? { compactBusyAfterUpdates: c.given.busy } : {}),
          },
          {},
        )
        return {
          after: o.compactAfterUpdates,
          quiet: o.compactQuietMs,
          busy: o.compactBusyAfterUpdates,
        }
      }
      if (c.error) expect(resolve).toThrow(c.error)
      else expect(resolve()).toEqual(c.want)
    })
  }
})

describe('resolveOptions: CONCORD_PUBLIC_URL', () => {
  const cases: Array<{ env?: string; flag?: string; want?: string; error?: RegExp }> = [
    { want: undefined },
    { env: '', want: undefined },
    { env: 'https://concord.example.org', want: 'https://concord.example.org' },
    { env: 'https://concord.example.org/', want: 'https://concord.example.org' },
    { env: 'HTTPS://Concord.Example.org:443/', want: 'https://concord.example.org' },
    { env: 'http://10.0.0.5:8080', want: 'http://10.0.0.5:8080' },
    { env: 'https://a.example', flag: 'https://b.example', want: 'https://b.example' },
    { env: 'concord.example.org', error: /http\(s\) address .* got 'concord.example.org'/ },
    { env: 'ftp://concord.example.org', error: /http\(s\) address/ },
    { env: 'https://example.org/concord', error: /root of a site, with no path/ },
    { env: 'https://example.org/?a=1', error: /root of a site/ },
    { env: 'https://me:pw@example.org', error: /root of a site/ },
  ]
  for (const c of cases) {
    it(`env ${c.env ?? '(unset)'}${c.flag ? `, flag ${c.flag}` : ''}`, () => {
      const env = c.env === undefined ? {} : { CONCORD_PUBLIC_URL: c.env }
      const resolve = () => resolveOptions(c.flag ? { publicUrl: c.flag } : {}, env).publicUrl
      if (c.error) expect(resolve).toThrow(c.error)
      else expect(resolve()).toBe(c.want)
    })
  }
})

describe('remoteMediaOrigins', () => {
  const cases: Array<{ env?: string; want?: string[]; error?: RegExp }> = [
    { want: [] },
    { env: '', want: [] },
    { env: 'https://images.example.org', want: ['https://images.example.org'] },
    {
      env: ' https://a.example/ , HTTP://B.example:8080 ,',
      want: ['https://a.example', 'http://b.example:8080'],
    },
    { env: 'images.example.org', error: /http\(s\) origins .* 'images.example.org' is not one/ },
    { env: 'https://a.example/pics', error: /'https:\/\/a.example\/pics' is not one/ },
    { env: 'https://*.example.org', error: /is not one/ },
    { env: 'data:', error: /is not one/ },
  ]
  for (const c of cases) {
    it(`env ${c.env ?? '(unset)'}`, () => {
      const env = c.env === undefined ? {} : { CONCORD_REMOTE_MEDIA_ORIGINS: c.env }
      const resolve = () => resolveOptions({}, env).remoteMediaOrigins
      if (c.error) expect(resolve).toThrow(c.error)
      else expect(resolve()).toEqual(c.want)
    })
  }
})
