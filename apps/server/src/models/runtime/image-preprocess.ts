/**
 * Pixel maths of image encoders: decoded RGBA pixels to the float tensor an encoder's manifest
 * describes. Pure (no decoding, no I/O) so that it can be tested on hand-made images.
 */
import type { ModelManifest } from '../manifest'

export type ImageSpec = NonNullable<ModelManifest['image']>

/** Decoded pixels, 8 bits per channel, RGBA row-major (what pngjs and jpeg-js give). */
export interface RgbaImage {
  readonly width: number
  readonly height: number
  readonly data: Uint8Array
}

/** Values per image: channels x height x width. */
export function imageTensorSize(spec: ImageSpec): number {
  return channelCount(spec) * spec.height * spec.width
}

function channelCount(spec: ImageSpec): number {
  return spec.channels === 'GRAY' ? 1 : 3
}

/**
 * Writes one image into `out` at `offset` (imageTensorSize(spec) values): alpha dropped,
 * GRAY as luminance, resized bilinearly to width x height, (v * scale - mean[c]) / std[c],
 * channels in the manifest's order and laid out NCHW or NHWC.
 */
export function imageToTensor(
  image: RgbaImage,
  spec: ImageSpec,
  out: Float32Array = new Float32Array(imageTensorSize(spec)),
  offset = 0,
): Float32Array {
  const { width: sw, height: sh, data } = image
  if (sw < 1 || sh < 1 || data.length < sw * sh * 4) {
    throw new RangeError(`an image of ${sw} x ${sh} needs ${sw * sh * 4} RGBA bytes`)
  }
  const channels = channelCount(spec)
  const planes = sourcePlanes(image, spec)
  const { width: dw, height: dh } = spec
  const xs = samplePositions(sw, dw)
  const ys = samplePositions(sh, dh)
  for (let c = 0; c < channels; c++) {
    const plane = planes[c]!
    const mean = spec.mean.length === 1 ? spec.mean[0]! : spec.mean[c]!
    const std = spec.std.length === 1 ? spec.std[0]! : spec.std[c]!
    for (let y = 0; y < dh; y++) {
      const { i0: y0, i1: y1, f: fy } = ys[y]!
      for (let x = 0; x < dw; x++) {
        const { i0: x0, i1: x1, f: fx } = xs[x]!
        const top = plane[y0 * sw + x0]! * (1 - fx) + plane[y0 * sw + x1]! * fx
        const bottom = plane[y1 * sw + x0]! * (1 - fx) + plane[y1 * sw + x1]! * fx
        const v = top * (1 - fy) + bottom * fy
        const at = spec.layout === 'NCHW' ? (c * dh + y) * dw + x : (y * dw + x) * channels + c
        out[offset + at] = (v * spec.scale - mean) / std
      }
    }
  }
  return out
}

/** One float plane per output channel, in the manifest's channel order, at source size. */
function sourcePlanes(image: RgbaImage, spec: ImageSpec): Float64Array[] {
  const n = image.width * image.height
  const d = image.data
  if (spec.channels === 'GRAY') {
    const gray = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      gray[i] = 0.299 * d[4 * i]! + 0.587 * d[4 * i + 1]! + 0.114 * d[4 * i + 2]!
    }
    return [gray]
  }
  const order = spec.channels === 'RGB' ? [0, 1, 2] : [2, 1, 0]
  return order.map((src) => {
    const plane = new Float64Array(n)
    for (let i = 0; i < n; i++) plane[i] = d[4 * i + src]!
    return plane
  })
}

interface Sample {
  readonly i0: number
  readonly i1: number
  readonly f: number
}

/**
 * Source positions of each output pixel with half-pixel centres (align_corners=False, as
 * PIL, OpenCV and torchvision resize), clamped at the edges.
 */
function samplePositions(source: number, target: number): Sample[] {
  const ratio = source / target
  return Array.from({ length: target }, (_, i) => {
    const s = Math.min(Math.max((i + 0.5) * ratio - 0.5, 0), source - 1)
    const i0 = Math.floor(s)
    return { i0, i1: Math.min(i0 + 1, source - 1), f: s - i0 }
  })
}
