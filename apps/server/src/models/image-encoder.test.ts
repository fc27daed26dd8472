import type { ProjectId } from '@concord/core'
import jpeg from 'jpeg-js'
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PNG } from 'pngjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, withModels, type TestApp } from '../testing/test-app'
import { loadClusters, loadEmbeddings } from './model-repo'
import type { ModelService } from './model-service'
import { onnx } from './onnx/onnx-proto'
import { tensorValueInfo } from './onnx/write-logreg-onnx'
import { insertItems } from '../repos/items'
import { getProject } from '../repos/projects'

let t: TestApp
let models: ModelService
let request: (path: string, init?: RequestInit) => Promise<Response>

/** [N, 3, 4, 4] -> ReduceMean over H and W -> [N, 3]: an encoder whose output is checkable. */
function channelMeanEncoder(): Uint8Array {
  const FLOAT = onnx.TensorProto.DataType.FLOAT
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'concord-tests',
    graph: {
      name: 'channel-mean',
      node: [
        {
          name: 'mean',
          opType: 'ReduceMean',
          input: ['pixels'],
          output: ['embedding'],
          attribute: [
            { name: 'axes', type: onnx.AttributeProto.AttributeType.INTS, ints: [2, 3] },
            { name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 0 },
          ],
        },
      ],
      input: [tensorValueInfo('pixels', FLOAT, ['N', 3, 4, 4])],
      output: [tensorValueInfo('embedding', FLOAT, ['N', 3])],
    },
  }).finish()
}

const image = {
  width: 4,
  height: 4,
  channels: 'RGB',
  layout: 'NCHW',
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
  scale: 1 / 255,
} as const

const encoderManifest = {
  name: 'Channel means',
  role: 'encoder',
  inputName: 'pixels',
  outputName: 'embedding',
  inputKind: 'image',
  image,
}

/** What the encoder must give for a solid colour: the normalised colour itself. */
function expected([r, g, b]: readonly number[]): number[] {
  return [r!, g!, b!].map((v, c) => (v * image.scale - image.mean[c]!) / image.std[c]!)
}

function solidPng(width: number, height: number, rgb: readonly number[]): Buffer {
  const png = new PNG({ width, height })
  for (let i = 0; i < width * height; i++) png.data.set([rgb[0]!, rgb[1]!, rgb[2]!, 255], i * 4)
  return PNG.sync.write(png)
}

// Two colour groups, at sizes other than 4 x 4 so that the resize runs too.
const reds = [
  ['red1', 'red1.png', [250, 10, 10], 4, 4],
  ['red2', 'sub/red2.png', [235, 25, 5], 8, 8],
  ['red3', 'red3.png', [220, 0, 35], 6, 3],
] as const
const blues = [
  ['blue1', 'blue1.png', [10, 20, 240], 4, 4],
  ['blue2', 'blue2.png', [0, 35, 250], 2, 2],
  ['blue3', 'sub/blue3.png', [25, 10, 225], 5, 7],
] as const

function upload(projectId: string, bytes: Uint8Array, manifest: unknown): Promise<Response> {
  const form = new FormData()
  form.set('model', new Blob([bytes]), 'encoder.onnx')
  form.set('manifest', JSON.stringify(manifest))
  return request(`/api/projects/${projectId}/models`, { method: 'POST', body: form })
}

async function importJsonl(projectId: string, rows: unknown[]): Promise<void> {
  const res = await request(`/api/projects/${projectId}/items/import?format=jsonl`, {
    method: 'POST',
    body: rows.map((r) => JSON.stringify(r)).join('\n'),
  })
  expect(res.status).toBe(200)
}

async function externalIds(projectId: string): Promise<Map<number, string>> {
  const rows = await t.ctx.db
    .selectFrom('items')
    .select(['id', 'external_id'])
    .where('project_id', '=', projectId)
    .execute()
  return new Map(rows.map((r) => [r.id, r.external_id]))
}

beforeAll(async () => {
  t = await createTestApp()
  ;({ models, asAdmin: request } = withModels(t))
  const mediaDir = t.ctx.options.mediaDir
  mkdirSync(join(mediaDir, 'sub'), { recursive: true })
  for (const [, path, rgb, w, h] of [...reds, ...blues]) {
    writeFileSync(join(mediaDir, path), solidPng(w, h, rgb))
  }
  const red = jpeg.encode(
    {
      width: 4,
      height: 4,
      data: Buffer.from(Array.from({ length: 16 }, () => [200, 30, 20, 255]).flat()),
    },
    100,
  )
  writeFileSync(join(mediaDir, 'red4.jpg'), red.data)
  writeFileSync(join(t.dataDir, 'secret.png'), solidPng(4, 4, [1, 2, 3]))
  // A link inside the media directory to a file outside it: its text passes, its target must not.
  symlinkSync(join(t.dataDir, 'secret.png'), join(mediaDir, 'linked.png'))
})

afterAll(async () => {
  await models.close()
  await t.close()
})

describe('an image encoder', () => {
  let projectId: ProjectId

  beforeAll(async () => {
    projectId = (await t.project({ overlap: 1 })).id
    await importJsonl(projectId, [
      ...[...reds, ...blues].map(([id, path]) => ({ id, image: path })),
      { id: 'red4', image_url: 'red4.jpg' },
      { id: 'missing', image: 'nope.png' },
      { id: 'linked', image: 'linked.png' },
    ])
    // The import refuses these now; items stored before it did (or by other tools) remain.
    await insertItems(
      t.ctx.db,
      projectId,
      [
        { externalId: 'escape', mediaUrl: '../secret.png', metadata: {} },
        { externalId: 'absolute', mediaUrl: join(t.dataDir, 'secret.png'), metadata: {} },
        { externalId: 'remote', mediaUrl: 'https://example.com/cat.png', metadata: {} },
      ],
      t.clock.now(),
    )
  })

  it('is uploaded through the REST route as an encoder, not as a classifier', async () => {
    const res = await upload(projectId, channelMeanEncoder(), encoderManifest)
    expect(res.status).toBe(201)
    expect(await res.json()).toMatchObject({ kind: 'encoder', version: 1 })
    expect(await models.activeModel(projectId)).toBeUndefined()
    expect(await models.listModels(projectId)).toEqual([])
  })

  it('embeds every image as its normalised channel means and skips the bad ones', async () => {
    const project = (await getProject(t.ctx.db, projectId))!
    const { count, skipped } = await models.ensureEmbeddings(project)
    const { ids, X, d, sources } = await loadEmbeddings(t.ctx.db, projectId)
    expect([count, d]).toEqual([ids.length, 3])
    const names = await externalIds(projectId)
    const byName = new Map(
      ids.map((id, i) => [names.get(id)!, [...X.subarray(i * d, (i + 1) * d)]]),
    )
    expect([...byName.keys()].sort()).toEqual(
      ['blue1', 'blue2', 'blue3', 'red1', 'red2', 'red3', 'red4'].sort(),
    )
    for (const [name, , rgb] of [...reds, ...blues]) {
      const got = byName.get(name)!
      expected(rgb).forEach((v, c) => expect(Math.abs(got[c]! - v)).toBeLessThan(1e-5))
    }
    // JPEG is lossy: near the colour it was written with.
    expected([200, 30, 20]).forEach((v, c) => expect(byName.get('red4')![c]).toBeCloseTo(v, 1))
    expect([...sources]).toEqual(['encoder'])

    expect(skipped.count).toBe(5)
    const reason = (id: string) => skipped.reasons.find((r) => r.startsWith(`${id}:`))
    expect(reason('escape')).toMatch(/outside the media directory/)
    expect(reason('absolute')).toMatch(/outside the media directory/)
    expect(reason('remote')).toMatch(/fetches nothing from the network: put the file under/)
    expect(reason('missing')).toMatch(/cannot read 'nope.png' in the media directory \(ENOENT\)/)
    expect(reason('linked')).toMatch(/'linked.png' leads outside the media directory/)
    const warned = t.log.lines
    expect(JSON.stringify(warned)).toMatch(/items skipped by the image encoder/)
  })

  it('gives embeddings that k-means separates into the two colour groups', async () => {
    await models.clusters(projectId, 2)
    const names = await externalIds(projectId)
    const clusterOf = new Map(
      (await loadClusters(t.ctx.db, projectId)).map((c) => [names.get(c.itemId)!, c.cluster]),
    )
    const redClusters = new Set(['red1', 'red2', 'red3', 'red4'].map((n) => clusterOf.get(n)))
    const blueClusters = new Set(['blue1', 'blue2', 'blue3'].map((n) => clusterOf.get(n)))
    expect(redClusters.size).toBe(1)
    expect(blueClusters.size).toBe(1)
    expect([...redClusters][0]).not.toBe([...blueClusters][0])
  })

  it('refuses a manifest whose image section does not match the input shape', async () => {
    const res = await upload(projectId, channelMeanEncoder(), {
      ...encoderManifest,
      image: { ...image, width: 8, height: 8 },
    })
    expect(res.status).toBe(422)
    const body = JSON.stringify(await res.json())
    expect(body).toContain(
      "input 'pixels' has shape [N, 3, 4, 4] but the manifest's image section describes [N, 3, 8, 8] (NCHW)",
    )
  })

  it('refuses an encoder manifest without an image section, naming it', async () => {
    const { image: _, ...noImage } = encoderManifest
    const res = await upload(projectId, channelMeanEncoder(), noImage)
    expect(res.status).toBe(422)
    expect(JSON.stringify(await res.json())).toContain('manifest.image')
  })
})

describe('one embedding width per project', () => {
  it('refuses encoder embeddings of another width than the imported ones', async () => {
    const projectId = (await t.project({ overlap: 1 })).id
    await importJsonl(projectId, [
      { id: 'x1', text: 'one', embedding: [1, 2, 3, 4, 5, 6, 7, 8] },
      { id: 'x2', image: 'red1.png' },
    ])
    expect((await upload(projectId, channelMeanEncoder(), encoderManifest)).status).toBe(201)
    const project = (await getProject(t.ctx.db, projectId))!
    await expect(models.ensureEmbeddings(project)).rejects.toThrow(
      /gives 3-dimensional embeddings but the project's imported embeddings have 8; embeddings of one project must have one width/,
    )
  })
})
