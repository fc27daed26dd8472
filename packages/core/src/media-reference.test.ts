import { describe, expect, it } from 'vitest'
import { isRemoteMedia, localMediaPathProblem, mediaReference } from './media-reference'

describe('mediaReference', () => {
  it.each([
    ['https://cdn.example.com/a.png', 'remote'],
    ['HTTP://example.com/a.png', 'remote'],
    ['  https://example.com/a.png ', 'remote'],
    ['images/a.png', 'local'],
    ['a.png', 'local'],
    ['http:/not-a-url.png', 'local'],
  ])('%s is %s', (raw, kind) => {
    expect(mediaReference(raw).kind).toBe(kind)
    expect(isRemoteMedia(raw)).toBe(kind === 'remote')
  })
})

describe('localMediaPathProblem', () => {
  it.each(['a.png', 'sub/dir/b.jpeg', 'with space.png', 'dots..in.name.png', '.hidden/x.gif'])(
    'accepts %s',
    (path) => expect(localMediaPathProblem(path)).toBeUndefined(),
  )
  it.each([
    ['', /empty/],
    ['../secret.png', /'\.\.'/],
    ['sub/../../secret.png', /'\.\.'/],
    ['sub/..', /'\.\.'/],
    ['/etc/passwd', /absolute/],
    ['C:/windows/x.png', /absolute/],
    ['sub\\..\\x.png', /'\\'/],
    ['a.png\0.txt', /NUL/],
    ['..%2fsecret.png', /percent-encoded/],
    ['%2e%2e/secret.png', /percent-encoded/],
    ['sub%5Cx.png', /percent-encoded/],
  ])('refuses %j', (path, reason) => {
    expect(localMediaPathProblem(path)).toMatch(reason)
  })
})
