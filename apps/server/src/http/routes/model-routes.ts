import { readFile } from 'node:fs/promises'
import { ConcordError, seesSuggestions } from '@concord/core'
import { Hono } from 'hono'
import { z } from 'zod'
import type { ServerContext } from '../../context'
import { userNames } from '../../agreement/agreement-service'
import type { ModelService } from '../../models/model-service'
import type { ModelRecord } from '../../models/model-repo'
import type { AppEnv } from '../app-env'
import { requireLabelReader, requireProject } from '../project-access'
import { readJson, readQuery } from '../read-input'
import { receiveMultipart } from '../receive-multipart'
import { requireUser } from '../require-user'

/** Uploaded ONNX files may be far larger than the API's usual body limit. */
export const MAX_MODEL_BYTES = 200 * 1024 * 1024
/** The manifest is a small JSON document. */
const MAX_MANIFEST_BYTES = 256 * 1024

export function isModelUploadPath(path: string): boolean {
  return /^\/api\/projects\/[^/]+\/models\/?$/.test(path)
}

const QUEUE_ORDERS = [
  'default',
  'least-confidence',
  'margin',
  'entropy',
  'random',
  'disagreement',
  'coverage',
] as const

const settingsPatch = z.strictObject({
  suggestions: z.enum(['auto', 'hidden', 'reviewers', 'everyone']).optional(),
  queueOrder: z.enum(QUEUE_ORDERS).optional(),
  retrainEvery: z.number().int().min(1).max(1_000_000).optional(),
  activeModel: z.string().min(1).max(64).nullable().optional(),
})

const suggestionsQuery = z.object({ item: z.string().regex(/^[1-9][0-9]{0,15}$/, 'an item id') })
const mislabeledQuery = z.object({
  scope: z.enum(['consensus', 'annotator']).default('consensus'),
  annotator: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(100),
})
const clustersQuery = z.object({ k: z.coerce.number().int().min(2).max(200).optional() })
const clusterItemsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(200),
})

function summary(m: ModelRecord, activeId: string | undefined) {
  const manifest = m.manifest as { inputKind?: string; labels?: string[] }
  return {
    id: m.id,
    version: m.version,
    kind: m.kind,
    name: m.name,
    createdAt: m.createdAt,
    labelsCount: m.labelsCount,
    inputKind: manifest.inputKind ?? 'embedding',
    labels: manifest.labels ?? [],
    active: m.id === activeId,
    // 'pending' until its first pass over the items works, 'failed' (never active) after one fails.
    status: m.status,
    ...(m.error !== null ? { error: m.error } : {}),
    ...(m.metrics ? { cv: m.metrics } : {}),
  }
}

/**
 * The model loop of a project (see ModelService):
 *   GET   /:id/models                  models, the active one, training state, settings
 *                                      (members who may read others' labels)
 *   POST  /:id/models                  upload an ONNX classifier (multipart: model, manifest)
 *   POST  /:id/models/train            train on the consensus labels now (202)
 *   PATCH /:id/models/settings         suggestions visibility, queue order, retrain threshold
 *   GET   /:id/suggestions?item=ID     the active model's top labels for an item
 *   GET   /:id/mislabeled              likely mislabeled items (confident learning)
 *   GET   /:id/clusters[?k=]           k-means clusters of the embeddings, with gaps
 *   GET   /:id/clusters/:c/items       the items of one cluster
 *   GET   /:id/map                     2D map of every item (UMAP up to 20,000 items, else PCA)
 *   GET   /:id/map/progress            what the clusters-and-map computation is doing, or null
 *   GET   /:id/models/shadow           the model as a virtual annotator, against people
 */
export function modelRoutes(ctx: ServerContext, models: ModelService): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.use(requireUser(ctx))

  app.get('/:id/models', async (c) => {
    const { project } = await requireLabelReader(ctx, c.var.user, c.req.param('id'))
    const [list, active, settings] = await Promise.all([
      models.listModels(project.id),
      models.activeModel(project.id),
      models.settings(project.id),
    ])
    return c.json({
      models: list.map((m) => summary(m, active?.id)),
      active: active?.id ?? null,
      training: models.status(project.id),
      settings,
    })
  })

  app.post('/:id/models', async (c) => {
    const { project } = await requireProject(ctx, c.var.user, c.req.param('id'), 'admin')
    const upload = await receiveMultipart(c, {
      fileField: 'model',
      maxFileBytes: MAX_MODEL_BYTES,
      maxFieldBytes: MAX_MANIFEST_BYTES,
      dir: ctx.options.dataDir,
    })
    try {
      const manifestText = upload.fields.get('manifest')
      if (!upload.file) {
        throw new ConcordError('bad_request', 'the `model` field must be the .onnx file')
      }
      if (manifestText === undefined) {
        throw new ConcordError('bad_request', 'the `manifest` field must be JSON text')
      }
      let manifest: unknown
      try {
        manifest = JSON.parse(manifestText)
      } catch (err) {
        throw new ConcordError(
          'invalid_model',
          `the manifest is not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
        )
      }
      const record = await models.uploadModel(
        project.id,
        new Uint8Array(await readFile(upload.file.path)),
        manifest,
      )
      const active = await models.activeModel(project.id)
      return c.json(summary(record, active?.id), 201)
    } finally {
      await upload.discard()
    }
  })

  app.post('/:id/models/train', async (c) => {
    const { project } = await requireProject(ctx, c.var.user, c.req.param('id'), 'reviewer')
    if (project.labelSchema.kind !== 'single') {
      throw new ConcordError('bad_request', 'models are trained for single-label projects only')
    }
    models.requestTraining(project.id, `requested by ${c.var.user.username}`)
    return c.json({ queued: true, training: models.status(project.id) }, 202)
  })

  app.patch('/:id/models/settings', async (c) => {
    const { project } = await requireProject(ctx, c.var.user, c.req.param('id'), 'admin')
    const patch = await readJson(c, settingsPatch)
    return c.json(await models.updateSettings(project.id, patch))
  })

  app.get('/:id/suggestions', async (c) => {
    const { project, role } = await requireProject(ctx, c.var.user, c.req.param('id'), 'annotator')
    const { item } = readQuery(c, suggestionsQuery)
    const [settings, active] = await Promise.all([
      models.settings(project.id),
      models.activeModel(project.id),
    ])
    const trainedOnLabels = active?.kind !== 'uploaded'
    if (!seesSuggestions(settings.suggestions, role, project, { trainedOnLabels })) {
      return c.json({ model: null, labels: [], hidden: true })
    }
    return c.json({ ...(await models.suggestions(project.id, Number(item))), hidden: false })
  })

  app.get('/:id/mislabeled', async (c) => {
    const { project } = await requireProject(ctx, c.var.user, c.req.param('id'), 'reviewer')
    const q = readQuery(c, mislabeledQuery)
    if (q.annotator !== undefined && q.scope !== 'annotator') {
      throw new ConcordError('bad_request', 'annotator= applies to scope=annotator only', [
        { path: 'annotator', message: 'use it with scope=annotator' },
      ])
    }
    const result = await models.mislabeled(project.id, q.scope, q.annotator, q.limit)
    const items = await itemTexts(
      ctx,
      result.items.map((i) => i.itemId),
    )
    return c.json({
      model: result.model,
      items: result.items.map((i) => ({
        ...i,
        itemId: String(i.itemId),
        externalId: items.get(i.itemId)?.external_id ?? '',
        text: items.get(i.itemId)?.text ?? null,
      })),
    })
  })

  app.get('/:id/clusters', async (c) => {
    const { project } = await requireProject(ctx, c.var.user, c.req.param('id'), 'reviewer')
    const { k } = readQuery(c, clustersQuery)
    return c.json(await models.clusters(project.id, k))
  })

  app.get('/:id/clusters/:cluster/items', async (c) => {
    const { project } = await requireProject(ctx, c.var.user, c.req.param('id'), 'reviewer')
    const cluster = Number(c.req.param('cluster'))
    if (!Number.isInteger(cluster) || cluster < 0) {
      throw new ConcordError('bad_request', 'the cluster must be a number from 0')
    }
    const { limit } = readQuery(c, clusterItemsQuery)
    const rows = await ctx.db
      .selectFrom('item_clusters as c')
      .innerJoin('items as i', 'i.id', 'c.item_id')
      .select(['i.id', 'i.external_id', 'i.text', 'i.label_count'])
      .where('c.project_id', '=', project.id)
      .where('c.cluster', '=', cluster)
      .orderBy('i.id')
      .limit(limit)
      .execute()
    return c.json({
      cluster,
      items: rows.map((r) => ({
        itemId: String(r.id),
        externalId: r.external_id,
        text: r.text,
        labelCount: r.label_count,
      })),
    })
  })

  app.get('/:id/models/shadow', async (c) => {
    const { project } = await requireProject(ctx, c.var.user, c.req.param('id'), 'reviewer')
    const report = await models.shadow(project.id)
    const names = await userNames(ctx.db, report?.annotators.map((a) => a.id) ?? [])
    return c.json(
      report === null
        ? { model: null }
        : {
            ...report,
            annotators: report.annotators.map((a) => ({ ...a, name: names.get(a.id) ?? a.id })),
          },
    )
  })

  app.get('/:id/map/progress', async (c) => {
    const { project } = await requireProject(ctx, c.var.user, c.req.param('id'), 'reviewer')
    return c.json({ progress: models.mapProgress(project.id) })
  })

  app.get('/:id/map', async (c) => {
    const { project } = await requireProject(ctx, c.var.user, c.req.param('id'), 'reviewer')
    const map = await models.map(project.id)
    const items = await itemTexts(
      ctx,
      map.points.map((p) => p.itemId),
    )
    return c.json({
      method: map.method,
      points: map.points.map((p) => ({
        ...p,
        itemId: String(p.itemId),
        externalId: items.get(p.itemId)?.external_id ?? '',
      })),
    })
  })

  return app
}

async function itemTexts(
  ctx: ServerContext,
  ids: readonly number[],
): Promise<Map<number, { external_id: string; text: string | null }>> {
  const out = new Map<number, { external_id: string; text: string | null }>()
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await ctx.db
      .selectFrom('items')
      .select(['id', 'external_id', 'text'])
      .where('id', 'in', ids.slice(i, i + 500))
      .execute()
    for (const r of rows) out.set(r.id, r)
  }
  return out
}
