import { describe, expect, it } from 'vitest'
import { ModelError } from './model-error'
import { inspectOnnx } from './inspect-onnx'
import { onnx } from './onnx-proto'
import { ioModel, pngBytes, randomBytes, randomLogReg } from './test-models'
import { logRegToOnnx } from './write-logreg-onnx'

const valid = logRegToOnnx(randomLogReg(16, 3, 1), { labels: ['a', 'b', 'c'] })

function refusal(bytes: Uint8Array): ModelError {
  try {
    inspectOnnx(bytes)
  } catch (err) {
    expect(err).toBeInstanceOf(ModelError)
    expect((err as ModelError).code).toBe('invalid_model')
    return err as ModelError
  }
  throw new Error('inspectOnnx accepted the bytes')
}

describe('inspectOnnx', () => {
  it('reads element types and symbolic and fixed dimensions', () => {
    const info = inspectOnnx(
      ioModel({
        inputs: [
          { name: 'pixels', shape: ['batch', 3, 224, 224] },
          { name: 'ids', elemType: onnx.TensorProto.DataType.INT64, shape: [1, 'seq'] },
        ],
        outputs: [
          { name: 'logits', elemType: onnx.TensorProto.DataType.DOUBLE, shape: ['batch', 10] },
        ],
        mapOutput: 'output_probability',
      }),
    )
    expect(info.inputs).toEqual([
      { name: 'pixels', elemType: 'float32', shape: ['batch', 3, 224, 224] },
      { name: 'ids', elemType: 'int64', shape: [1, 'seq'] },
    ])
    expect(info.outputs).toEqual([
      { name: 'logits', elemType: 'float64', shape: ['batch', 10] },
      { name: 'output_probability', elemType: 'non-tensor', shape: null },
    ])
    expect(info.irVersion).toBe(8)
    expect(info.producer).toBe('concord-tests')
  })

  it('leaves initializers listed as inputs (IR < 4 style) out of the inputs', () => {
    const proto = onnx.ModelProto.decode(valid)
    proto.graph!.input!.push({ name: 'W', type: { tensorType: { elemType: 1 } } })
    const info = inspectOnnx(onnx.ModelProto.encode(proto).finish())
    expect(info.inputs.map((i) => i.name)).toEqual(['features'])
  })

  it.each([
    ['empty bytes', new Uint8Array(0), /empty/],
    ['a PNG', pngBytes(), /PNG image/],
    ['a ZIP (PyTorch checkpoint)', Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 1, 2]), /torch\.onnx/],
    ['a truncated model', valid.subarray(0, Math.floor(valid.length * 0.6)), /not a valid ONNX/],
    ['random bytes', randomBytes(4096, 7), /ONNX/],
    ['a protobuf without a graph', onnx.ModelProto.encode({ irVersion: 8 }).finish(), /no graph/],
    [
      'a graph without inputs',
      onnx.ModelProto.encode({
        irVersion: 8,
        opsetImport: [{ domain: '', version: 13 }],
        graph: { name: 'g', output: [{ name: 'y' }] },
      }).finish(),
      /no inputs/,
    ],
  ])('refuses %s with invalid_model', (_name, bytes, message) => {
    expect(refusal(bytes).message).toMatch(message)
  })

  it('refuses many seeds of random bytes, never returning garbage', () => {
    for (let seed = 1; seed <= 200; seed++) refusal(randomBytes(64 + seed * 13, seed))
  })
})
