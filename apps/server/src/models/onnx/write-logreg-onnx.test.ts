import { describe, expect, it } from 'vitest'
import { onnx } from './onnx-proto'
import { inspectOnnx } from './inspect-onnx'
import { randomLogReg } from './test-models'
import { LOGREG_OPSET, logRegToOnnx } from './write-logreg-onnx'

describe('logRegToOnnx', () => {
  it('writes MatMul -> Add -> Softmax(axis 1) with the weights as float32 initializers', () => {
    const model = randomLogReg(4, 3, 1)
    const bytes = logRegToOnnx(model, { labels: ['a', 'b', 'c'] })
    const proto = onnx.ModelProto.decode(bytes)
    const graph = proto.graph!
    expect(graph.node!.map((n) => n.opType)).toEqual(['MatMul', 'Add', 'Softmax'])
    expect(graph.node![2]!.attribute![0]).toMatchObject({ name: 'axis' })
    expect(Number(graph.node![2]!.attribute![0]!.i)).toBe(1)
    const [W, b] = graph.initializer!
    expect(W!.dims!.map(Number)).toEqual([4, 3])
    expect(b!.dims!.map(Number)).toEqual([3])
    const raw = W!.rawData!
    const back = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength))
    expect([...back]).toEqual([...model.W])
  })

  it('declares [N, d] -> [N, k] float32, opset 13, labels in the metadata', () => {
    const model = randomLogReg(7, 2, 2)
    const info = inspectOnnx(
      logRegToOnnx(model, { labels: ['spam', 'ham'], version: 3, metadata: { note: 'x' } }),
    )
    expect(info.opset).toBe(LOGREG_OPSET)
    expect(info.inputs).toEqual([{ name: 'features', elemType: 'float32', shape: ['N', 7] }])
    expect(info.outputs).toEqual([{ name: 'probabilities', elemType: 'float32', shape: ['N', 2] }])
    expect(JSON.parse(info.metadata.labels!)).toEqual(['spam', 'ham'])
    expect(info.metadata.concord_model_version).toBe('3')
    expect(info.metadata.note).toBe('x')
  })

  it.each([
    [
      'W of the wrong length',
      { ...randomLogReg(3, 2, 1), W: new Float32Array(5) },
      ['a', 'b'],
      /W has 5/,
    ],
    [
      'b of the wrong length',
      { ...randomLogReg(3, 2, 1), b: new Float32Array(3) },
      ['a', 'b'],
      /b has 3/,
    ],
    ['fewer labels than classes', randomLogReg(3, 2, 1), ['a'], /2 classes but 1 labels/],
  ])('refuses %s', (_name, model, labels, message) => {
    expect(() => logRegToOnnx(model, { labels })).toThrow(message)
  })
})
