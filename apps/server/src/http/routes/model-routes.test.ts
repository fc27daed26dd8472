import type { LogRegModel } from '@concord/core/ml'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ModelService } from '../../models/model-service'
import { logRegToOnnx } from '../../models/onnx/write-logreg-onnx'
import { createTestApp, withModels, type ModelApp, type TestApp } from '../../testing/test-app'

let t: TestApp
let models: ModelService
let app: ModelApp['app']
let request: (path: string, init?: RequestInit) => Promise<Response>
let project: string

function logReg(d: number, k: number): LogRegModel {
  const W = new Float32Array(d * k).map((_, i) => Math.sin(i) / 10)
  const b = new Float32Array(k)
  return { d, k, W, b, iterations: 0, loss: 0 }
}

function upload(bytes: Uint8Array, manifest: unknown): Promise<Response> {
  const form = new FormData()
  form.set('model', new Blob([bytes]), 'model.onnx')
  form.set('manifest', typeof manifest === 'string' ? manifest : JSON.stringify(manifest))
  return request(`/api/projects/${project}/models`, { method: 'POST', body: form })
}

const manifest = (labels: string[]) => ({
  name: 'Team model',
  inputName: 'features',
  outputName: 'probabilities',
  inputKind: 'embedding',
  labels,
  output: 'probabilities',
})

beforeAll(async () => {
  t = await createTestApp()
  ;({ models, app, asAdmin: request } = withModels(t))
  // Labels a, b, c and six items with imported 8-dimensional embeddings.
  project = (await t.project({ overlap: 1 })).id
  const rows = Array.from({ length: 6 }, (_, i) =>
    JSON.stringify({
      id: `e${i}`,
      text: `item ${i}`,
      embedding: [...Array(8)].map((_, j) => i + j),
    }),
  )
  const res = await request(`/api/projects/${project}/items/import?format=jsonl`, {
    method: 'POST',
    body: rows.join('\n'),
  })
  expect(res.status).toBe(200)
})

afterAll(async () => {
  await models.close()
  await t.close()
})

describe('uploading a team ONNX model', () => {
  it('accepts a model that fits the project and predicts every item with it', async () => {
    const res = await upload(
      logRegToOnnx(logReg(8, 3), {
        inputName: 'features',
        outputName: 'probabilities',
        labels: ['a', 'b', 'c'],
      }),
      manifest(['a', 'b', 'c']),
    )
    expect(res.status).toBe(201)
    const body = (await res.json()) as { kind: string; version: number }
    expect(body).toMatchObject({ kind: 'uploaded', version: 1 })
    await models.idle()
    const items = await t.ctx.db
      .selectFrom('items')
      .select('id')
      .where('project_id', '=', project)
      .execute()
    const s = await request(`/api/projects/${project}/suggestions?item=${items[0]!.id}`)
    const suggestions = (await s.json()) as { labels: { label: string; probability: number }[] }
    expect(suggestions.labels).toHaveLength(3)
    expect(suggestions.labels.reduce((a, l) => a + l.probability, 0)).toBeCloseTo(1, 5)
  })

  it('predicts items imported after the model without waiting for a training', async () => {
    const res = await request(`/api/projects/${project}/items/import?format=jsonl`, {
      method: 'POST',
      body: JSON.stringify({ id: 'late', text: 'late item', embedding: [...Array(8)].fill(1) }),
    })
    expect(res.status).toBe(200)
    await models.idle()
    const late = await t.ctx.db
      .selectFrom('items')
      .select('id')
      .where('external_id', '=', 'late')
      .executeTakeFirstOrThrow()
    const s = await request(`/api/projects/${project}/suggestions?item=${late.id}`)
    expect(s.status).toBe(200)
    const body = (await s.json()) as { labels: { label: string; probability: number }[] }
    expect(body.labels.map((l) => l.label).sort()).toEqual(['a', 'b', 'c'])
  })

  it.each([
    {
      what: 'an input of the wrong width',
      bytes: () =>
        logRegToOnnx(logReg(16, 3), {
          inputName: 'features',
          outputName: 'probabilities',
          labels: ['a', 'b', 'c'],
        }),
      manifest: manifest(['a', 'b', 'c']),
      message: /16.*8|8.*16/,
    },
    {
      what: 'an output of the wrong size',
      bytes: () =>
        logRegToOnnx(logReg(8, 2), {
          inputName: 'features',
          outputName: 'probabilities',
          labels: ['a', 'b'],
        }),
      manifest: manifest(['a', 'b', 'c']),
      message: /2.*3|3.*2/,
    },
    {
      what: 'labels outside the schema',
      bytes: () =>
        logRegToOnnx(logReg(8, 3), {
          inputName: 'features',
          outputName: 'probabilities',
          labels: ['a', 'b', 'z'],
        }),
      manifest: manifest(['a', 'b', 'z']),
      message: /z/,
    },
    {
      what: 'a corrupt file',
      bytes: () =>
        logRegToOnnx(logReg(8, 3), {
          inputName: 'features',
          outputName: 'probabilities',
          labels: ['a', 'b', 'c'],
        }).slice(0, 40),
      manifest: manifest(['a', 'b', 'c']),
      message: /./,
    },
    {
      what: 'random bytes',
      bytes: () => Uint8Array.from({ length: 500 }, (_, i) => (i * 7919) % 251),
      manifest: manifest(['a', 'b', 'c']),
      message: /./,
    },
  ])('refuses $what with a message saying which, and stores nothing', async (c) => {
    const before = (await models.listModels(project as never)).length
    const res = await upload(c.bytes(), c.manifest)
    expect(res.status).toBe(422)
    const body = (await res.json()) as { error: { code: string; message: string } }
    expect(body.error.code).toBe('invalid_model')
    expect(body.error.message).toMatch(c.message)
    expect((await models.listModels(project as never)).length).toBe(before)
    // The server (and its model worker) still answers.
    expect((await request(`/api/projects/${project}/models`)).status).toBe(200)
  })

  it('refuses a manifest that is not JSON, or not a manifest', async () => {
    const bytes = logRegToOnnx(logReg(8, 3), {
      inputName: 'features',
      outputName: 'probabilities',
      labels: ['a', 'b', 'c'],
    })
    const notJson = await upload(bytes, '{nope')
    expect(notJson.status).toBe(422)
    const wrong = await upload(bytes, { name: 'x' })
    expect(wrong.status).toBe(422)
    expect(((await wrong.json()) as { error: { message: string } }).error.message).toMatch(
      /manifest/,
    )
  })

  it('lets only project admins upload', async () => {
    const annotator = await t.user('ann')
    await t.member({ id: project as never }, annotator, 'annotator')
    const form = new FormData()
    form.set('model', new Blob([new Uint8Array(4)]), 'm.onnx')
    form.set('manifest', '{}')
    const res = await app.request(`/api/projects/${project}/models`, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${annotator.token}` },
    })
    expect(res.status).toBe(403)
  })
})

describe('the data map', () => {
  it('says what its first computation is doing while it runs, and nothing afterwards', async () => {
    const steps = new Set<string>()
    let done = false
    const map = request(`/api/projects/${project}/map`).then(async (res) => {
      done = true
      return res
    })
    while (!done) {
      const res = await request(`/api/projects/${project}/map/progress`)
      expect(res.status).toBe(200)
      const { progress } = (await res.json()) as { progress: { step: string } | null }
      if (progress) steps.add(progress.step)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    const res = await map
    expect(res.status).toBe(200)
    const body = (await res.json()) as { points: unknown[] }
    expect(body.points.length).toBeGreaterThan(0)
    // The worker takes most of the time; its step names the clusters, the method and the items.
    const mapping = new RegExp(
      `^\\d+ k-means clusters and a UMAP map of ${body.points.length} items$`,
    )
    expect([...steps].some((s) => mapping.test(s))).toBe(true)
    const after = await request(`/api/projects/${project}/map/progress`)
    expect(await after.json()).toEqual({ progress: null })
  })
})
