import jpeg from 'jpeg-js'
import { PNG } from 'pngjs'
import type { RgbaImage } from './image-preprocess'

/** Decoded images larger than this are refused: a 64-megapixel RGBA image is 256 MB. */
const MAX_PIXELS = 64 * 1024 * 1024

/** PNG or JPEG bytes to 8-bit RGBA, told apart by their signatures, not by file names. */
export function decodeImage(bytes: Uint8Array): RgbaImage {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (buf.length >= 8 && buf.readUInt32BE(0) === 0x89504e47) {
    // IHDR comes first, so the size is known before pngjs allocates the pixels.
    if (buf.length >= 24 && buf.readUInt32BE(16) * buf.readUInt32BE(20) > MAX_PIXELS) {
      throw new Error(`${buf.readUInt32BE(16)} x ${buf.readUInt32BE(20)} pixels is too large`)
    }
    const png = PNG.sync.read(buf)
    return { width: png.width, height: png.height, data: png.data }
  }
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) {
    const img = jpeg.decode(buf, {
      useTArray: true,
      formatAsRGBA: true,
      maxResolutionInMP: MAX_PIXELS / (1024 * 1024),
    })
    return { width: img.width, height: img.height, data: img.data }
  }
  throw new Error('not a PNG or JPEG file')
}
