import { describe, expect, it } from 'vitest'
import { imageTypeOf } from './image-type'

const bytes = (...parts: Array<number[] | string>): Uint8Array =>
  new Uint8Array(
    parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)),
  )

describe('imageTypeOf', () => {
  it.each([
    ['png', bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), 'image/png'],
    ['jpeg', bytes([0xff, 0xd8, 0xff, 0xe0, 0, 0x10], 'JFIF'), 'image/jpeg'],
    ['gif87a', bytes('GIF87a', [1, 0]), 'image/gif'],
    ['gif89a', bytes('GIF89a', [1, 0]), 'image/gif'],
    ['webp', bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 '), 'image/webp'],
    ['html', bytes('<!doctype html><script>'), undefined],
    ['svg', bytes('<svg xmlns="http://www.w3.org/2000/svg">'), undefined],
    ['riff that is not webp', bytes('RIFF', [0x24, 0, 0, 0], 'WAVEfmt '), undefined],
    ['truncated png', bytes([0x89], 'PNG'), undefined],
    ['empty', bytes(), undefined],
  ])('%s', (_name, head, type) => {
    expect(imageTypeOf(head)).toBe(type)
  })
})
