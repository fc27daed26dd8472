import { ModelError } from './model-error'
import { onnx, type OnnxTypes } from './onnx-proto'

/** onnxruntime's names for ONNX element types; 'non-tensor' for sequences, maps and the like. */
export type OnnxElemType =
  | 'float32'
  | 'uint8'
  | 'int8'
  | 'uint16'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'string'
  | 'bool'
  | 'float16'
  | 'float64'
  | 'uint32'
  | 'uint64'
  | 'complex64'
  | 'complex128'
  | 'bfloat16'
  | 'unknown'
  | 'non-tensor'

export interface OnnxTensorInfo {
  readonly name: string
  readonly elemType: OnnxElemType
  /**
   * One entry per dimension: a number for a fixed size, a string for a symbolic one ('N', or
   * '?' when the file names neither). null when the file records no shape at all.
   */
  readonly shape: readonly (number | string)[] | null
}

export interface OnnxInfo {
  readonly irVersion: number
  /** Version of the default ('ai.onnx') operator set. */
  readonly opset: number
  readonly producer: string
  readonly inputs: readonly OnnxTensorInfo[]
  readonly outputs: readonly OnnxTensorInfo[]
  /** metadata_props, e.g. `labels` and `concord_model_version` in models Concord wrote. */
  readonly metadata: Readonly<Record<string, string>>
}

/** Index = TensorProto.DataType. */
const ELEM_TYPES: readonly OnnxElemType[] = [
  'unknown',
  'float32',
  'uint8',
  'int8',
  'uint16',
  'int16',
  'int32',
  'int64',
  'string',
  'bool',
  'float16',
  'float64',
  'uint32',
  'uint64',
  'complex64',
  'complex128',
  'bfloat16',
]

/** Formats people upload by mistake, recognised by their first bytes. */
const KNOWN_FORMATS: readonly { magic: readonly number[]; what: string }[] = [
  { magic: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image' },
  { magic: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { magic: [0x25, 0x50, 0x44, 0x46], what: 'a PDF document' },
  { magic: [0x1f, 0x8b], what: 'a gzip archive (decompress it first)' },
  {
    magic: [0x50, 0x4b, 0x03, 0x04],
    what: 'a ZIP archive (a PyTorch .pt checkpoint? export it with torch.onnx.export)',
  },
  ...[2, 3, 4, 5].map((protocol) => ({
    magic: [0x80, protocol],
    what: 'a Python pickle (export the model to ONNX first)',
  })),
  {
    magic: [0x89, 0x48, 0x44, 0x46],
    what: 'an HDF5 file (a Keras model? convert it with tf2onnx)',
  },
]

/**
 * Reads the interface of an ONNX model (inputs, outputs, opset, metadata) without running it.
 * Throws ModelError when the bytes are not an ONNX model. Protobuf is permissive enough that
 * some garbage decodes "successfully", so a model must also have a graph with at least one input
 * and one output and a default-domain opset; onnxruntime loading it is still the final check.
 */
export function inspectOnnx(bytes: Uint8Array): OnnxInfo {
  if (bytes.length === 0) throw new ModelError('the model file is empty')
  for (const { magic, what } of KNOWN_FORMATS) {
    if (magic.every((byte, i) => bytes[i] === byte)) {
      throw new ModelError(`the model file is ${what}, not an ONNX model`)
    }
  }
  let model: OnnxTypes.ModelProto
  try {
    model = onnx.ModelProto.decode(bytes)
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err)
    throw new ModelError(
      `the model file is not a valid ONNX model (truncated or not protobuf: ${reason})`,
    )
  }
  const irVersion = toNumber(model.irVersion)
  if (irVersion < 3) {
    throw new ModelError(
      `the model file is not a valid ONNX model (IR version ${irVersion}; ONNX files have 3 or more)`,
    )
  }
  const graph = model.graph
  if (!graph) throw new ModelError('the ONNX model has no graph')
  const defaultOpset = model.opsetImport.find((o) => !o.domain || o.domain === 'ai.onnx')
  if (!defaultOpset) throw new ModelError('the ONNX model does not import the default operator set')
  // Before IR 4 initializers were also listed as graph inputs; they are weights, not inputs.
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name ?? ''))
  const inputs = (graph.input ?? []).filter((v) => !initializers.has(v.name ?? '')).map(tensorInfo)
  const outputs = (graph.output ?? []).map(tensorInfo)
  if (inputs.length === 0) throw new ModelError('the ONNX graph has no inputs')
  if (outputs.length === 0) throw new ModelError('the ONNX graph has no outputs')
  const unnamed = [...inputs, ...outputs].some((v) => v.name === '')
  if (unnamed) throw new ModelError('the ONNX graph has an input or output without a name')
  const metadata: Record<string, string> = {}
  for (const entry of model.metadataProps) metadata[entry.key ?? ''] = entry.value ?? ''
  return {
    irVersion,
    opset: toNumber(defaultOpset.version ?? 0),
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(' '),
    inputs,
    outputs,
    metadata,
  }
}

function tensorInfo(value: OnnxTypes.IValueInfoProto): OnnxTensorInfo {
  const name = value.name ?? ''
  const tensor = value.type?.tensorType
  if (!tensor) return { name, elemType: 'non-tensor', shape: null }
  const elemType = ELEM_TYPES[tensor.elemType ?? 0] ?? 'unknown'
  if (!tensor.shape) return { name, elemType, shape: null }
  const shape = (tensor.shape.dim ?? []).map((dim) => {
    if (dim.dimParam) return dim.dimParam
    if (dim.dimValue !== undefined && dim.dimValue !== null) return toNumber(dim.dimValue)
    return '?'
  })
  return { name, elemType, shape }
}

/** protobufjs gives int64 fields as Long when the `long` package is installed. */
function toNumber(value: number | { toNumber(): number }): number {
  const n = typeof value === 'number' ? value : value.toNumber()
  if (!Number.isSafeInteger(n)) {
    throw new ModelError(`the ONNX model has an integer field out of range (${n})`)
  }
  return n
}
