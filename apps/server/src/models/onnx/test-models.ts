// Builders of small ONNX models and logistic regressions for the tests of this folder and of
// the runtime; nothing here is used by the server itself.
import type { LogRegModel } from '@concord/core/ml'
import { onnx, type OnnxTypes } from './onnx-proto'
import { tensorValueInfo } from './write-logreg-onnx'

/** Same generator as core's mulberry32, repeated so that fixtures need no other module. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A logistic regression with weights uniform in [-scale, scale]. */
export function randomLogReg(d: number, k: number, seed: number, scale = 1): LogRegModel {
  const rng = seededRandom(seed)
  const W = Float32Array.from({ length: d * k }, () => (rng() * 2 - 1) * scale)
  const b = Float32Array.from({ length: k }, () => (rng() * 2 - 1) * scale)
  return { d, k, W, b, iterations: 0, loss: 0 }
}

export function randomMatrix(n: number, d: number, seed: number): Float32Array {
  const rng = seededRandom(seed)
  return Float32Array.from({ length: n * d }, () => rng() * 2 - 1)
}

/** softmax(XW + b) in float64: the reference the ONNX graph must reproduce. */
export function referenceProba(model: LogRegModel, X: Float32Array, n: number): Float64Array {
  const { d, k, W, b } = model
  const out = new Float64Array(n * k)
  const z = new Float64Array(k)
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      let s = b[c]!
      for (let j = 0; j < d; j++) s += X[i * d + j]! * W[j * k + c]!
      z[c] = s
    }
    const max = Math.max(...z)
    let sum = 0
    for (let c = 0; c < k; c++) sum += Math.exp(z[c]! - max)
    for (let c = 0; c < k; c++) out[i * k + c] = Math.exp(z[c]! - max) / sum
  }
  return out
}

export interface TestTensor {
  readonly name: string
  /** TensorProto.DataType; default FLOAT. */
  readonly elemType?: number
  readonly shape: readonly (number | string)[]
}

/**
 * A model whose graph declares the given inputs and outputs; each output is an Identity of
 * the first input. Meant for inspection and validation, not necessarily for running.
 */
export function ioModel(spec: {
  inputs: readonly TestTensor[]
  outputs: readonly TestTensor[]
  mapOutput?: string
}): Uint8Array {
  const FLOAT = onnx.TensorProto.DataType.FLOAT
  const first = spec.inputs[0]?.name ?? 'x'
  const output: OnnxTypes.IValueInfoProto[] = spec.outputs.map((o) =>
    tensorValueInfo(o.name, o.elemType ?? FLOAT, o.shape),
  )
  if (spec.mapOutput) {
    output.push({
      name: spec.mapOutput,
      type: {
        sequenceType: {
          elemType: {
            mapType: {
              keyType: onnx.TensorProto.DataType.STRING,
              valueType: { tensorType: { elemType: FLOAT } },
            },
          },
        },
      },
    })
  }
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'concord-tests',
    graph: {
      name: 'io',
      node: output.map((o, i) => ({
        name: `identity_${i}`,
        opType: 'Identity',
        input: [first],
        output: [o.name ?? ''],
      })),
      input: spec.inputs.map((t) => tensorValueInfo(t.name, t.elemType ?? FLOAT, t.shape)),
      output,
    },
  }).finish()
}

/** The first bytes of a real PNG (signature and IHDR chunk) followed by filler. */
export function pngBytes(): Uint8Array {
  const header = [
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x10, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0xf3, 0xff,
    0x61,
  ]
  const bytes = new Uint8Array(256)
  bytes.set(header)
  return bytes
}

export function randomBytes(length: number, seed: number): Uint8Array {
  const rng = seededRandom(seed)
  return Uint8Array.from({ length }, () => Math.floor(rng() * 256))
}
