import type { ErrorDetail } from '@concord/core'
import { z } from 'zod'
import { ModelError } from './onnx/model-error'
import type { OnnxInfo, OnnxTensorInfo } from './onnx/inspect-onnx'

const imageSchema = z
  .object({
    width: z.number().int().min(1).max(8192),
    height: z.number().int().min(1).max(8192),
    channels: z.enum(['RGB', 'BGR', 'GRAY']),
    layout: z.enum(['NCHW', 'NHWC']),
    /** Per channel, subtracted after scaling. */
    mean: z.array(z.number()).min(1).max(3),
    /** Per channel, divides after the mean is subtracted. */
    std: z.array(z.number().positive()).min(1).max(3),
    /** Multiplies the 0-255 pixel values first, e.g. 1/255. */
    scale: z.number().positive(),
  })
  .check((ctx) => {
    const channels = ctx.value.channels === 'GRAY' ? 1 : 3
    for (const key of ['mean', 'std'] as const) {
      const length = ctx.value[key].length
      if (length !== 1 && length !== channels) {
        ctx.issues.push({
          code: 'custom',
          input: ctx.value[key],
          path: [key],
          message: `${key} has ${length} values; give 1 or one per channel (${channels})`,
        })
      }
    }
  })

/**
 * What an uploaded ONNX classifier must declare besides its bytes: which input takes the
 * features, which output gives one score per label, and the label ids in output column order.
 */
export const modelManifestSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    /** Encoders have their own schema (encoderManifestSchema). */
    role: z.literal('classifier').optional(),
    inputName: z.string().min(1).max(256),
    outputName: z.string().min(1).max(256),
    /**
     * What Concord feeds the input: the project's imported embeddings, its built-in text
     * features, or images (then `image` says how to preprocess them).
     */
    inputKind: z.enum(['embedding', 'builtin-text', 'image']),
    labels: z
      .array(z.string().min(1))
      .min(2, 'a classifier needs at least two labels')
      .refine((labels) => new Set(labels).size === labels.length, 'labels must not repeat'),
    /** 'logits' are turned into probabilities with a softmax per row. */
    output: z.enum(['probabilities', 'logits']),
    image: imageSchema.optional(),
  })
  .check((ctx) => {
    if (ctx.value.inputKind === 'image' && !ctx.value.image) {
      ctx.issues.push({
        code: 'custom',
        input: ctx.value,
        path: ['image'],
        message: "inputKind 'image' needs an image section (width, height, channels, ...)",
      })
    }
  })

export type ModelManifest = z.infer<typeof modelManifestSchema>

/**
 * An image encoder: turns preprocessed images into embeddings [N, D] that replace the
 * built-in features of items with media. It predicts no labels, so it has none.
 */
export const encoderManifestSchema = z.object({
  name: z.string().trim().min(1).max(200),
  role: z.literal('encoder'),
  inputName: z.string().min(1).max(256),
  outputName: z.string().min(1).max(256),
  inputKind: z.literal('image', { message: "an encoder's inputKind must be 'image'" }),
  image: imageSchema,
})

export type EncoderManifest = z.infer<typeof encoderManifestSchema>

/** The manifest's role without parsing the rest; classifiers predate the field. */
export function manifestRole(input: unknown): 'classifier' | 'encoder' {
  const role = (input as { role?: unknown } | null)?.role
  return role === 'encoder' ? 'encoder' : 'classifier'
}

/** Parses a manifest (JSON text or an object); ModelError naming every bad field otherwise. */
export function parseModelManifest(input: unknown): ModelManifest {
  let value = input
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input)
    } catch (err) {
      throw new ModelError(`the manifest is not JSON: ${(err as Error).message}`)
    }
  }
  const parsed = modelManifestSchema.safeParse(value)
  if (parsed.success) return parsed.data
  const details = parsed.error.issues.map((issue) => ({
    path: ['manifest', ...issue.path.map(String)].join('.'),
    message: issue.message,
  }))
  throw new ModelError(
    `the manifest is not valid: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`,
    details,
  )
}

export interface ProjectModelContext {
  /** Label ids of the project's schema. */
  readonly labelIds: readonly string[]
  /** Width of the project's feature vectors (imported embeddings or built-in text features). */
  readonly featureDims: number
}

/**
 * Checks that a model fits a project before it is stored: the manifest's input and output exist
 * with float32 tensors of the right shape, the output has one column per manifest label, and
 * every label is in the project's schema. Throws one ModelError listing every mismatch.
 */
export function validateModelForProject(
  info: OnnxInfo,
  manifest: ModelManifest,
  project: ProjectModelContext,
): void {
  refuseProblems('the model does not fit this project', (problem) => {
    const input = named(info.inputs, manifest.inputName, 'input', problem)
    if (input) checkInput(input, manifest, project, problem)
    const output = named(info.outputs, manifest.outputName, 'output', problem)
    if (output) checkOutput(output, manifest, problem)
    const known = new Set(project.labelIds)
    const unknown = manifest.labels.filter((label) => !known.has(label))
    if (unknown.length > 0) {
      problem(
        'manifest.labels',
        `labels not in the project's schema: ${unknown.map((l) => `'${l}'`).join(', ')} (the schema has ${project.labelIds.map((l) => `'${l}'`).join(', ')})`,
      )
    }
  })
}

type Problem = (path: string, message: string) => void

/** Runs the checks and throws one ModelError listing every problem they found, if any. */
function refuseProblems(what: string, check: (problem: Problem) => void): void {
  const problems: ErrorDetail[] = []
  check((path, message) => problems.push({ path, message }))
  if (problems.length > 0) {
    throw new ModelError(`${what}: ${problems.map((p) => p.message).join('; ')}`, problems)
  }
}

/** The graph input or output the manifest names; a problem when the graph has none by that name. */
function named(
  tensors: readonly OnnxTensorInfo[],
  name: string,
  kind: 'input' | 'output',
  problem: Problem,
): OnnxTensorInfo | undefined {
  const found = tensors.find((v) => v.name === name)
  if (!found) {
    problem(
      `manifest.${kind}Name`,
      `the model has no ${kind} named '${name}' (its ${kind}s: ${names(tensors)})`,
    )
  }
  return found
}

/**
 * Checks an image encoder before it is stored: the input is a float32 image tensor as the
 * image section describes, the output float32 [N, D]. D may be symbolic: the first batch
 * tells, and the project's embedding width is checked then.
 */
export function validateEncoder(info: OnnxInfo, manifest: EncoderManifest): void {
  refuseProblems('the encoder does not fit', (problem) => {
    const input = named(info.inputs, manifest.inputName, 'input', problem)
    if (input) {
      if (input.elemType !== 'float32') {
        problem(
          `model.inputs.${input.name}`,
          `input '${input.name}' has element type ${input.elemType} but Concord feeds float32`,
        )
      }
      if (input.shape !== null) checkImageInput(input.name, input.shape, manifest, problem)
    }
    const output = named(info.outputs, manifest.outputName, 'output', problem)
    if (output) checkEncoderOutput(output, problem)
  })
}

function checkEncoderOutput(output: OnnxTensorInfo, problem: Problem): void {
  const path = `model.outputs.${output.name}`
  if (output.elemType !== 'float32') {
    problem(
      path,
      `output '${output.name}' has element type ${output.elemType} but an encoder must give float32 embeddings`,
    )
  }
  if (output.shape === null) return
  if (output.shape.length !== 2) {
    problem(
      path,
      `output '${output.name}' has shape ${formatShape(output.shape)} but an encoder must give embeddings [N, D]`,
    )
    return
  }
  checkBatchDim(output.name, output.shape, 'output', problem)
  const width = output.shape[1]
  if (width === 0) problem(path, `output '${output.name}' has an embedding width of ${width}`)
}

function checkInput(
  input: OnnxTensorInfo,
  manifest: ModelManifest,
  project: ProjectModelContext,
  problem: Problem,
): void {
  const path = `model.inputs.${input.name}`
  if (input.elemType !== 'float32') {
    problem(
      path,
      `input '${input.name}' has element type ${input.elemType} but Concord feeds float32`,
    )
  }
  const shape = input.shape
  // Without a recorded shape there is nothing to compare; onnxruntime checks at the first batch.
  if (shape === null) return
  if (manifest.inputKind === 'image') {
    checkImageInput(input.name, shape, manifest, problem)
    return
  }
  if (shape.length !== 2) {
    problem(
      path,
      `input '${input.name}' has shape ${formatShape(shape)} but ${manifest.inputKind} models take [N, ${project.featureDims}]`,
    )
    return
  }
  checkBatchDim(input.name, shape, 'input', problem)
  const width = shape[1]
  if (typeof width === 'number' && width !== project.featureDims) {
    problem(
      path,
      `input '${input.name}' has shape ${formatShape(shape)} but the project's features have ${project.featureDims} dimensions`,
    )
  }
}

function checkImageInput(
  name: string,
  shape: readonly (number | string)[],
  manifest: { image?: ModelManifest['image'] },
  problem: Problem,
): void {
  const image = manifest.image
  if (!image) return
  const channels = image.channels === 'GRAY' ? 1 : 3
  const expected =
    image.layout === 'NCHW'
      ? ['N', channels, image.height, image.width]
      : ['N', image.height, image.width, channels]
  const fits =
    shape.length === 4 &&
    shape.every((dim, i) => i === 0 || typeof dim === 'string' || dim === expected[i])
  if (!fits) {
    problem(
      `model.inputs.${name}`,
      `input '${name}' has shape ${formatShape(shape)} but the manifest's image section describes ${formatShape(expected)} (${image.layout})`,
    )
    return
  }
  checkBatchDim(name, shape, 'input', problem)
}

function checkOutput(output: OnnxTensorInfo, manifest: ModelManifest, problem: Problem): void {
  const path = `model.outputs.${output.name}`
  if (output.elemType === 'non-tensor') {
    problem(
      path,
      `output '${output.name}' is a sequence or map, not a tensor of scores (for skl2onnx, convert with options={'zipmap': False})`,
    )
    return
  }
  if (output.elemType !== 'float32') {
    problem(
      path,
      `output '${output.name}' has element type ${output.elemType} but Concord reads float32 scores`,
    )
  }
  const shape = output.shape
  if (shape === null) return
  if (shape.length !== 2) {
    problem(
      path,
      `output '${output.name}' has shape ${formatShape(shape)} but Concord needs [N, ${manifest.labels.length}] (one score per label)`,
    )
    return
  }
  checkBatchDim(output.name, shape, 'output', problem)
  const classes = shape[1]
  if (typeof classes === 'number' && classes !== manifest.labels.length) {
    problem(
      path,
      `output '${output.name}' has ${classes} classes but the manifest lists ${manifest.labels.length} labels`,
    )
  }
}

/** Concord predicts in batches of thousands of rows, so the first dimension must be free. */
function checkBatchDim(
  name: string,
  shape: readonly (number | string)[],
  kind: 'input' | 'output',
  problem: Problem,
): void {
  const batch = shape[0]
  if (typeof batch === 'number' && batch !== -1) {
    problem(
      `model.${kind}s.${name}`,
      `${kind} '${name}' has a fixed batch size of ${batch}; export it with a dynamic first dimension (e.g. dynamic_axes={'${name}': {0: 'N'}} in torch.onnx.export)`,
    )
  }
}

export function formatShape(shape: readonly (number | string)[]): string {
  return `[${shape.join(', ')}]`
}

function names(values: readonly OnnxTensorInfo[]): string {
  return values.length === 0 ? 'none' : values.map((v) => `'${v.name}'`).join(', ')
}
