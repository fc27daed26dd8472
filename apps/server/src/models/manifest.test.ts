import { describe, expect, it } from 'vitest'
import { ModelError } from './onnx/model-error'
import { inspectOnnx } from './onnx/inspect-onnx'
import { onnx } from './onnx/onnx-proto'
import { ioModel, randomLogReg } from './onnx/test-models'
import { logRegToOnnx } from './onnx/write-logreg-onnx'
import {
  encoderManifestSchema,
  manifestRole,
  modelManifestSchema,
  parseModelManifest,
  validateEncoder,
  validateModelForProject,
  type ModelManifest,
} from './manifest'

const project = { labelIds: ['spam', 'ham', 'unsure', 'other'], featureDims: 256 }

function manifest(overrides: Partial<ModelManifest> = {}): ModelManifest {
  return {
    name: 'uploaded',
    inputName: 'features',
    outputName: 'probabilities',
    inputKind: 'embedding',
    labels: ['spam', 'ham', 'unsure'],
    output: 'probabilities',
    ...overrides,
  }
}

function logreg(d: number, k: number): Uint8Array {
  return logRegToOnnx(randomLogReg(d, k, 1), {
    labels: Array.from({ length: k }, (_, i) => `l${i}`),
  })
}

function problems(bytes: Uint8Array, m: ModelManifest): string {
  try {
    validateModelForProject(inspectOnnx(bytes), m, project)
  } catch (err) {
    expect(err).toBeInstanceOf(ModelError)
    return (err as ModelError).message
  }
  return ''
}

describe('validateModelForProject', () => {
  it('accepts a model whose input, output and labels fit the project', () => {
    expect(problems(logreg(256, 3), manifest())).toBe('')
  })

  it.each([
    [
      'wrong input width',
      logreg(128, 3),
      manifest(),
      "input 'features' has shape [N, 128] but the project's features have 256 dimensions",
    ],
    [
      'wrong output size',
      logreg(256, 3),
      manifest({ labels: ['spam', 'ham', 'unsure', 'other'] }),
      "output 'probabilities' has 3 classes but the manifest lists 4 labels",
    ],
    [
      'a missing input name',
      logreg(256, 3),
      manifest({ inputName: 'x' }),
      "the model has no input named 'x' (its inputs: 'features')",
    ],
    [
      'a missing output name',
      logreg(256, 3),
      manifest({ outputName: 'y' }),
      "the model has no output named 'y' (its outputs: 'probabilities')",
    ],
    [
      'labels outside the schema',
      logreg(256, 3),
      manifest({ labels: ['spam', 'eggs', 'bacon'] }),
      "labels not in the project's schema: 'eggs', 'bacon'",
    ],
    [
      'an int64 input',
      ioModel({
        inputs: [
          { name: 'features', elemType: onnx.TensorProto.DataType.INT64, shape: ['N', 256] },
        ],
        outputs: [{ name: 'probabilities', shape: ['N', 3] }],
      }),
      manifest(),
      "input 'features' has element type int64 but Concord feeds float32",
    ],
    [
      'a fixed batch size',
      ioModel({
        inputs: [{ name: 'features', shape: [1, 256] }],
        outputs: [{ name: 'probabilities', shape: ['N', 3] }],
      }),
      manifest(),
      "input 'features' has a fixed batch size of 1",
    ],
    [
      'a rank-4 input for embeddings',
      ioModel({
        inputs: [{ name: 'features', shape: ['N', 3, 32, 32] }],
        outputs: [{ name: 'probabilities', shape: ['N', 3] }],
      }),
      manifest(),
      "input 'features' has shape [N, 3, 32, 32] but embedding models take [N, 256]",
    ],
    [
      'a skl2onnx zipmap output',
      ioModel({
        inputs: [{ name: 'features', shape: ['N', 256] }],
        outputs: [],
        mapOutput: 'probabilities',
      }),
      manifest(),
      "output 'probabilities' is a sequence or map",
    ],
  ])('refuses %s, naming it', (_name, bytes, m, expected) => {
    expect(problems(bytes, m)).toContain(expected)
  })

  it('lists every mismatch at once, each with a path', () => {
    try {
      validateModelForProject(
        inspectOnnx(logreg(128, 2)),
        manifest({ labels: ['a', 'ham', 'b'] }),
        project,
      )
      expect.unreachable()
    } catch (err) {
      const e = err as ModelError
      expect(e.details.map((d) => d.path)).toEqual([
        'model.inputs.features',
        'model.outputs.probabilities',
        'manifest.labels',
      ])
    }
  })

  it('checks image inputs against the image section instead of the feature width', () => {
    const image = {
      width: 32,
      height: 32,
      channels: 'RGB' as const,
      layout: 'NCHW' as const,
      mean: [0.5],
      std: [0.5],
      scale: 1 / 255,
    }
    const bytes = ioModel({
      inputs: [{ name: 'features', shape: ['N', 3, 32, 32] }],
      outputs: [{ name: 'probabilities', shape: ['N', 3] }],
    })
    expect(problems(bytes, manifest({ inputKind: 'image', image }))).toBe('')
    expect(
      problems(bytes, manifest({ inputKind: 'image', image: { ...image, width: 64 } })),
    ).toContain('describes [N, 3, 32, 64] (NCHW)')
  })
})

describe('modelManifestSchema', () => {
  it.each([
    [{ ...manifest(), labels: ['a'] }, 'at least two labels'],
    [{ ...manifest(), labels: ['a', 'a'] }, 'labels must not repeat'],
    [{ ...manifest(), inputKind: 'image' }, "inputKind 'image' needs an image section"],
    [{ ...manifest(), output: 'scores' }, 'output'],
    [
      {
        ...manifest(),
        inputKind: 'image',
        image: {
          width: 8,
          height: 8,
          channels: 'RGB',
          layout: 'NHWC',
          mean: [0, 0],
          std: [1],
          scale: 1,
        },
      },
      'mean has 2 values',
    ],
  ])('refuses %j', (input, message) => {
    expect(() => parseModelManifest(JSON.stringify(input))).toThrow(message)
  })

  it('parses JSON text and names the bad field in details', () => {
    expect(parseModelManifest(JSON.stringify(manifest())).labels).toEqual(['spam', 'ham', 'unsure'])
    expect(() => parseModelManifest('{')).toThrow(/not JSON/)
    expect(() => parseModelManifest({ ...manifest(), inputName: '' })).toThrow(
      expect.objectContaining({
        details: [expect.objectContaining({ path: 'manifest.inputName' })],
      }),
    )
    expect(modelManifestSchema.safeParse(manifest()).success).toBe(true)
  })
})

describe('encoder manifests', () => {
  const encoder = {
    name: 'Encoder',
    role: 'encoder',
    inputName: 'pixels',
    outputName: 'embedding',
    inputKind: 'image',
    image: {
      width: 4,
      height: 4,
      channels: 'RGB',
      layout: 'NCHW',
      mean: [0],
      std: [1],
      scale: 1,
    },
  } as const
  const pixels = { name: 'pixels', shape: ['N', 3, 4, 4] }

  it('needs no labels and no output kind, and takes a symbolic width', () => {
    const manifest = encoderManifestSchema.parse(encoder)
    const info = inspectOnnx(
      ioModel({ inputs: [pixels], outputs: [{ name: 'embedding', shape: ['N', 'D'] }] }),
    )
    expect(() => validateEncoder(info, manifest)).not.toThrow()
  })

  it('refuses an output that is not float32 [N, D], naming it', () => {
    const manifest = encoderManifestSchema.parse(encoder)
    const info = inspectOnnx(
      ioModel({
        inputs: [pixels],
        outputs: [
          { name: 'embedding', shape: ['N', 3, 2], elemType: onnx.TensorProto.DataType.INT64 },
        ],
      }),
    )
    expect(() => validateEncoder(info, manifest)).toThrow(
      /output 'embedding' has element type int64 .*output 'embedding' has shape \[N, 3, 2\] but an encoder must give embeddings \[N, D\]/,
    )
  })

  it('keeps classifier manifests as they were: labels are still required', () => {
    expect(modelManifestSchema.safeParse({ ...encoder, role: 'classifier' }).success).toBe(false)
    expect(manifestRole({ role: 'encoder' })).toBe('encoder')
    expect(manifestRole({})).toBe('classifier')
  })
})
