import type { LogRegModel } from '@concord/core/ml'
import { onnx, type OnnxTypes } from './onnx-proto'

/** The opset the graph is written for: Softmax's `axis` means "this one axis" from 13 on. */
export const LOGREG_OPSET = 13
/** IR version 8 (ONNX 1.10), the newest onnx-proto can describe; onnxruntime 1.30 reads it. */
export const LOGREG_IR_VERSION = 8

export interface LogRegOnnxMeta {
  /** Graph input name (default 'features'). */
  readonly inputName?: string
  /** Graph output name (default 'probabilities'). */
  readonly outputName?: string
  /** Label ids in output column order; stored as JSON in metadata_props under `labels`. */
  readonly labels: readonly string[]
  /** Concord's model version; metadata `concord_model_version` and ModelProto.model_version. */
  readonly version?: number
  /** Extra metadata_props entries (string values). */
  readonly metadata?: Readonly<Record<string, string>>
}

/**
 * Writes a trained logistic regression as a self-contained ONNX model, so that trained and
 * uploaded models take the same path through onnxruntime and can be downloaded and run
 * elsewhere:
 *
 *   features [N, d] -> MatMul(W [d, k]) -> Add(b [k]) -> Softmax(axis = 1) -> probabilities [N, k]
 *
 * Float32 throughout, batch dimension symbolic ('N').
 */
export function logRegToOnnx(model: LogRegModel, meta: LogRegOnnxMeta): Uint8Array {
  const { d, k, W, b } = model
  if (!Number.isInteger(d) || d < 1 || !Number.isInteger(k) || k < 1) {
    throw new RangeError(`a logistic regression needs d >= 1 and k >= 1, got d=${d}, k=${k}`)
  }
  if (W.length !== d * k) {
    throw new RangeError(`W has ${W.length} values but d x k = ${d} x ${k} = ${d * k}`)
  }
  if (b.length !== k) throw new RangeError(`b has ${b.length} values but k = ${k}`)
  if (meta.labels.length !== k) {
    throw new RangeError(`the model has ${k} classes but ${meta.labels.length} labels were given`)
  }
  const inputName = meta.inputName ?? 'features'
  const outputName = meta.outputName ?? 'probabilities'
  const FLOAT = onnx.TensorProto.DataType.FLOAT

  const graph: OnnxTypes.IGraphProto = {
    name: 'concord_logreg',
    node: [
      { name: 'matmul', opType: 'MatMul', input: [inputName, 'W'], output: ['logits_nobias'] },
      { name: 'add', opType: 'Add', input: ['logits_nobias', 'b'], output: ['logits'] },
      {
        name: 'softmax',
        opType: 'Softmax',
        input: ['logits'],
        output: [outputName],
        attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 }],
      },
    ],
    initializer: [
      { name: 'W', dims: [d, k], dataType: FLOAT, rawData: float32LittleEndian(W) },
      { name: 'b', dims: [k], dataType: FLOAT, rawData: float32LittleEndian(b) },
    ],
    input: [tensorValueInfo(inputName, FLOAT, ['N', d])],
    output: [tensorValueInfo(outputName, FLOAT, ['N', k])],
  }

  const metadata: Record<string, string> = {
    ...meta.metadata,
    labels: JSON.stringify(meta.labels),
    concord_model_kind: 'logistic-regression',
    concord_output: 'probabilities',
  }
  if (meta.version !== undefined) metadata.concord_model_version = String(meta.version)

  const proto: OnnxTypes.IModelProto = {
    irVersion: LOGREG_IR_VERSION,
    opsetImport: [{ domain: '', version: LOGREG_OPSET }],
    producerName: 'concord',
    producerVersion: '1',
    modelVersion: meta.version ?? 0,
    docString: `Concord logistic regression: ${d} features, ${k} classes`,
    graph,
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  }
  return onnx.ModelProto.encode(proto).finish()
}

/** A tensor's value info; a string dimension is symbolic (any size at run time). */
export function tensorValueInfo(
  name: string,
  elemType: number,
  shape: readonly (number | string)[],
): OnnxTypes.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: {
          dim: shape.map((dim) =>
            typeof dim === 'string' ? { dimParam: dim } : { dimValue: dim },
          ),
        },
      },
    },
  }
}

/** ONNX raw_data is little-endian whatever the host's byte order. */
export function float32LittleEndian(values: Float32Array): Uint8Array {
  const bytes = new Uint8Array(values.length * 4)
  const view = new DataView(bytes.buffer)
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true)
  return bytes
}
