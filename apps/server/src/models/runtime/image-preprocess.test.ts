import { describe, expect, it } from 'vitest'
import { imageTensorSize, imageToTensor, type ImageSpec, type RgbaImage } from './image-preprocess'

/** An RGBA image from [r, g, b] pixels, row-major, alpha 255. */
function rgba(width: number, height: number, pixels: [number, number, number][]): RgbaImage {
  const data = new Uint8Array(width * height * 4)
  pixels.forEach(([r, g, b], i) => data.set([r, g, b, 255], i * 4))
  return { width, height, data }
}

const plain: ImageSpec = {
  width: 2,
  height: 1,
  channels: 'RGB',
  layout: 'NCHW',
  mean: [0],
  std: [1],
  scale: 1,
}

const twoPixels = rgba(2, 1, [
  [10, 20, 30],
  [40, 50, 60],
])

describe('imageToTensor', () => {
  it.each<[string, RgbaImage, ImageSpec, number[]]>([
    ['RGB NCHW, same size', twoPixels, plain, [10, 40, 20, 50, 30, 60]],
    ['RGB NHWC', twoPixels, { ...plain, layout: 'NHWC' }, [10, 20, 30, 40, 50, 60]],
    ['BGR NCHW', twoPixels, { ...plain, channels: 'BGR' }, [30, 60, 20, 50, 10, 40]],
    [
      'BGR NHWC',
      twoPixels,
      { ...plain, channels: 'BGR', layout: 'NHWC' },
      [30, 20, 10, 60, 50, 40],
    ],
    [
      // 0.299 * 10 + 0.587 * 20 + 0.114 * 30 = 18.15; 0.299 * 40 + 0.587 * 50 + 0.114 * 60 = 48.15
      'GRAY is luminance',
      twoPixels,
      { ...plain, channels: 'GRAY' },
      [18.15, 48.15],
    ],
    [
      // (10 / 10 - 1) / 2 = 0, (40 / 10 - 1) / 2 = 1.5; G: (2 - 2) / 4, (5 - 2) / 4; B: (3 - 3) / 1, 6 - 3
      'scale, then mean and std per channel',
      twoPixels,
      { ...plain, scale: 0.1, mean: [1, 2, 3], std: [2, 4, 1] },
      [0, 1.5, 0, 0.75, 0, 3],
    ],
    [
      // Half-pixel centres: 4 -> 2 samples source x = 0.5 and 2.5, the means of pixel pairs.
      'downscale 4x1 -> 2x1 averages neighbours',
      rgba(4, 1, [
        [0, 0, 0],
        [100, 0, 0],
        [200, 0, 0],
        [40, 0, 0],
      ]),
      plain,
      [50, 120, 0, 0, 0, 0],
    ],
    [
      // 2 -> 4 samples x = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1).
      'upscale 2x1 -> 4x1 interpolates and clamps at the edges',
      rgba(2, 1, [
        [0, 0, 0],
        [100, 0, 0],
      ]),
      { ...plain, width: 4 },
      [0, 25, 75, 100, 0, 0, 0, 0, 0, 0, 0, 0],
    ],
    [
      // 2x2 -> 1x1 samples the centre (0.5, 0.5): the mean of the four pixels.
      'downscale 2x2 -> 1x1 in both directions',
      rgba(2, 2, [
        [0, 8, 0],
        [4, 8, 0],
        [8, 8, 0],
        [12, 8, 0],
      ]),
      { ...plain, width: 1, height: 1 },
      [6, 8, 0],
    ],
  ])('%s', (_, image, spec, expected) => {
    const out = imageToTensor(image, spec)
    expect(out).toHaveLength(imageTensorSize(spec))
    expect([...out].map((v) => Number(v.toFixed(4)))).toEqual(expected)
  })

  it('writes at an offset of a batch and leaves the rest alone', () => {
    const batch = new Float32Array(8).fill(-1)
    imageToTensor(twoPixels, { ...plain, channels: 'GRAY' }, batch, 3)
    expect([...batch].map((v) => Number(v.toFixed(4)))).toEqual([
      -1, -1, -1, 18.15, 48.15, -1, -1, -1,
    ])
  })

  it('refuses pixel data shorter than the image', () => {
    expect(() => imageToTensor({ width: 2, height: 2, data: new Uint8Array(4) }, plain)).toThrow(
      /16 RGBA bytes/,
    )
  })
})
