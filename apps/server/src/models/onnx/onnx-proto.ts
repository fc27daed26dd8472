// onnx-proto is a CommonJS bundle whose `onnx` namespace is assigned at run time, so Node's ESM
// loader cannot see it as a named export: take the default export and re-export the namespace.
import onnxProto from 'onnx-proto'

export const onnx = onnxProto.onnx
export type { onnx as OnnxTypes } from 'onnx-proto'
