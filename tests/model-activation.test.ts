import { afterAll, beforeAll, expect, it } from 'vitest'
import { onnx } from '../apps/server/src/models/onnx/onnx-proto'
import { logRegToOnnx } from '../apps/server/src/models/onnx/write-logreg-onnx'
import { Api } from './helpers/api'
import { waitFor } from './helpers/clients'
import { startServerProcess, type ServerProcess } from './helpers/server-process'

// A model that does not work on the project's features must never become the active one: not
// at upload (it is run on real feature rows first) and not later (a new model is active only
// after its first pass over every item works; one that fails is reported and the working one
// stays). The models are written by Concord's own ONNX writer, then edited with its protobuf
// bindings.

const LABELS = ['pos', 'neg']
const ITEMS = 30
/** The built-in text featurizer's width: the features every model of this project gets. */
const WIDTH = 256

let server: ServerProcess
let admin: Api
let project: string
let itemIds: string[]

const manifest = (name: string) =>
  JSON.stringify({
    name,
    inputName: 'features',
    outputName: 'probabilities',
    inputKind: 'builtin-text',
    labels: LABELS,
    output: 'probabilities',
  })

/** A logistic regression over `d` features, as Concord writes the models it trains. */
function logReg(d: number): Uint8Array {
  const k = LABELS.length
  const W = new Float32Array(d * k).map((_, i) => Math.sin(i) / 4)
  return logRegToOnnx(
    { d, k, W, b: new Float32Array(k), iterations: 0, loss: 0 },
    { inputName: 'features', outputName: 'probabilities', labels: LABELS },
  )
}

/** The same model with its input width made symbolic: nothing in the file says 17. */
function symbolicWidth(bytes: Uint8Array): Uint8Array {
  const model = onnx.ModelProto.decode(bytes)
  const dims = model.graph!.input![0]!.type!.tensorType!.shape!.dim!
  dims[1] = onnx.TensorShapeProto.Dimension.create({ dimParam: 'features' })
  return onnx.ModelProto.encode(model).finish()
}

/**
 * A model that declares [N, 256] and runs on exactly `rows` rows: its input is reshaped to a
 * fixed [rows, 256] first. It passes a probe of `rows` rows and fails on the whole project.
 */
function fixedBatch(bytes: Uint8Array, rows: number): Uint8Array {
  const model = onnx.ModelProto.decode(bytes)
  const graph = model.graph!
  graph.initializer!.push(
    onnx.TensorProto.create({
      name: 'fixed_shape',
      dims: [2],
      dataType: onnx.TensorProto.DataType.INT64,
      int64Data: [rows, WIDTH],
    }),
  )
  graph.node!.unshift(
    onnx.NodeProto.create({
      name: 'reshape',
      opType: 'Reshape',
      input: ['features', 'fixed_shape'],
      output: ['features_fixed'],
    }),
  )
  graph.node![1]!.input![0] = 'features_fixed'
  return onnx.ModelProto.encode(model).finish()
}

function upload(bytes: Uint8Array, name: string): Promise<Response> {
  const form = new FormData()
  form.set('manifest', manifest(name))
  form.set('model', new Blob([bytes]), `${name}.onnx`)
  return fetch(`${server.url}/api/projects/${project}/models`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin.token}` },
    body: form,
  })
}

interface ModelsBody {
  active: string | null
  models: { id: string; name: string; active: boolean; status: string; error?: string }[]
  training: { state: string }
}
const modelsOf = () => admin.request<ModelsBody>('GET', `/api/projects/${project}/models`)

interface Suggestions {
  model: { id: string } | null
  labels: { label: string; probability: number }[]
}
const suggestionsFor = (item: string) =>
  admin.request<Suggestions>('GET', `/api/projects/${project}/suggestions?item=${item}`)

let working: string

beforeAll(async () => {
  server = await startServerProcess()
  admin = await Api.login(server.url, 'admin', 'admin-password')
  project = await admin.createProject({ name: 'Models', labels: LABELS, overlap: 1, blind: false })
  const rows = ['id,text']
  for (let i = 0; i < ITEMS; i++) {
    rows.push(`m-${i},${i % 2 === 0 ? 'lovely great' : 'awful poor'} item number ${i}`)
  }
  await admin.importItemsCsv(project, rows.join('\n') + '\n')
  itemIds = (await admin.items(project)).map((i) => String(i.id))

  // A model that works on the project's 256 features, active with suggestions for every item.
  const res = await upload(logReg(WIDTH), 'working')
  expect(res.status).toBe(201)
  working = ((await res.json()) as { id: string }).id
  await waitFor(
    async () => (await modelsOf()).active === working,
    'the working model is active',
    30_000,
  )
  await waitFor(
    async () => (await suggestionsFor(itemIds[0]!)).labels.length === LABELS.length,
    'the working model suggests',
  )
}, 120_000)

afterAll(async () => {
  await server?.stop()
})

it('refuses a model with a symbolic input width whose weights expect 17 features, and keeps the working one', async () => {
  const res = await upload(symbolicWidth(logReg(17)), 'seventeen')
  expect(res.status).toBe(422)
  const body = (await res.json()) as { error: { code: string; message: string } }
  expect(body.error.code).toBe('invalid_model')
  // What was tried, what the runtime said, and what width the project needs.
  expect(body.error.message).toMatch(/fails on 8 of this project's feature rows \(256 numbers/)
  expect(body.error.message).toMatch(/model failed on rows 0-7/)
  expect(body.error.message).toMatch(/GEMM: Dimension mismatch/)
  expect(body.error.message).toMatch(/must take 256 features per row/)

  const list = await modelsOf()
  expect(list.models.map((m) => m.name)).toEqual(['working'])
  expect(list.active).toBe(working)
  for (const item of itemIds.slice(0, 5)) {
    const s = await suggestionsFor(item)
    expect(s.model?.id).toBe(working)
    expect(s.labels).toHaveLength(LABELS.length)
  }
}, 60_000)

it('a model that passes the upload check but fails on the items never becomes active', async () => {
  const res = await upload(fixedBatch(logReg(WIDTH), 8), 'eight-rows-only')
  expect(res.status).toBe(201)
  const broken = ((await res.json()) as { id: string; status: string; active: boolean }).id

  // Its pass over the 30 items fails: it is reported, and the working model stays in use.
  await waitFor(
    async () => (await modelsOf()).models.find((m) => m.id === broken)?.status === 'failed',
    'the broken model is marked failed',
    30_000,
  )
  const list = await modelsOf()
  const entry = list.models.find((m) => m.id === broken)!
  expect(entry.active).toBe(false)
  expect(entry.error).toMatch(/Reshape|reshape|shape/)
  expect(list.active).toBe(working)
  for (const item of itemIds.slice(0, 5)) {
    const s = await suggestionsFor(item)
    expect(s.model?.id).toBe(working)
    expect(s.labels).toHaveLength(LABELS.length)
  }

  // Pinning it tries it again; it fails again and the working model still answers.
  await admin.request('PATCH', `/api/projects/${project}/models/settings`, {
    activeModel: broken,
  })
  await waitFor(
    async () => (await modelsOf()).models.find((m) => m.id === broken)?.status === 'failed',
    'the pinned broken model fails again',
    30_000,
  )
  await waitFor(async () => (await modelsOf()).training.state === 'idle', 'the model loop is idle')
  expect((await modelsOf()).active).toBe(working)
  expect((await suggestionsFor(itemIds[1]!)).labels).toHaveLength(LABELS.length)
}, 60_000)
