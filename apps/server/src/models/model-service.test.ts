import { predictProba, trainLogReg, mulberry32 } from '@concord/core/ml'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMemoryLogger } from '../logger'
import { createLogDocWriter } from '../sync/log-doc-writer'
import { createTestContext, type TestContext } from '../testing/test-context'
import { getProject } from '../repos/projects'
import { loadEmbeddings, loadPredictions, listModels } from './model-repo'
import { ModelService, TRAINING } from './model-service'
import { corpusProject, spamAssassinEmails, type CorpusEmail } from './testing/corpus-project'

// The real SpamAssassin corpus (6,046 emails, about 31% spam) as a labelled dataset.
let emails: CorpusEmail[]
let t: TestContext
let models: ModelService

beforeAll(async () => {
  emails = spamAssassinEmails()
  t = await createTestContext({
    docs: ({ database, clock }) =>
      createLogDocWriter(database.db, clock, createMemoryLogger(), database.durable),
  })
  models = new ModelService(t.ctx)
})

afterAll(async () => {
  await models.close()
  await t.close()
})

describe('ModelService on the SpamAssassin corpus', () => {
  it('trains on the consensus labels, beats the majority class, and its ONNX matches the trainer', async () => {
    const project = await corpusProject(t.ctx, emails)
    models.requestTraining(project)
    await models.idle()
    expect(models.status(project)).toMatchObject({ state: 'idle' })
    const [model] = await listModels(t.ctx.db, project)
    expect(model?.kind).toBe('trained')
    const cv = model!.metrics as { accuracy: number; macroF1: number; majorityRate: number }
    console.log(
      `spam/ham, ${emails.length} emails, 5-fold CV: accuracy ${cv.accuracy.toFixed(4)}, ` +
        `macro-F1 ${cv.macroF1.toFixed(4)}, majority class ${cv.majorityRate.toFixed(4)}`,
    )
    expect(cv.majorityRate).toBeGreaterThan(0.6)
    expect(cv.accuracy).toBeGreaterThan(cv.majorityRate + 0.2)
    expect(cv.macroF1).toBeGreaterThan(0.85)

    // The stored predictions come from onnxruntime running the written ONNX file. The same
    // training in this thread (same data, same options: it is deterministic) must give the same
    // probabilities from TypeScript.
    const info = (await getProject(t.ctx.db, project))!
    await models.ensureEmbeddings(info)
    const { ids, X, d } = await loadEmbeddings(t.ctx.db, project)
    const consensus = await models.consensusLabels(info)
    const labels = ['ham', 'spam']
    const rows = ids.flatMap((id, row) => (consensus.has(id) ? [row] : []))
    const Xl = new Float32Array(rows.length * d)
    rows.forEach((row, i) => Xl.set(X.subarray(row * d, (row + 1) * d), i * d))
    const y = Int32Array.from(rows.map((row) => labels.indexOf(consensus.get(ids[row]!)!)))
    const local = trainLogReg(Xl, rows.length, d, y, 2, TRAINING)
    const mine = predictProba(local, X, ids.length)
    const stored = await loadPredictions(t.ctx.db, project)
    expect(stored).toHaveLength(ids.length)
    let worst = 0
    stored.forEach((p, i) => {
      for (let j = 0; j < 2; j++) worst = Math.max(worst, Math.abs(p.proba[j]! - mine[i * 2 + j]!))
    })
    console.log(
      `largest |onnxruntime - TypeScript| probability difference: ${worst.toExponential(2)}`,
    )
    expect(worst).toBeLessThan(1e-5)
  })

  it('finds labels flipped at random: precision of the top N of the likely-mislabeled list', async () => {
    const rng = mulberry32(2021)
    const flipped = new Set<number>()
    emails.forEach((_, i) => {
      if (rng() < 0.1) flipped.add(i)
    })
    const project = await corpusProject(t.ctx, emails, (e, i) =>
      flipped.has(i) ? (e.label === 'spam' ? 'ham' : 'spam') : e.label,
    )
    models.requestTraining(project)
    await models.idle()
    const n = flipped.size
    const { items } = await models.mislabeled(project, 'consensus', undefined, n)
    const idOf = new Map<number, number>()
    const rowsById = await t.ctx.db
      .selectFrom('items')
      .select(['id', 'external_id'])
      .where('project_id', '=', project)
      .execute()
    const indexOfExternal = new Map(emails.map((e, i) => [e.id, i]))
    for (const r of rowsById) idOf.set(r.id, indexOfExternal.get(r.external_id)!)
    const hits = items.filter((item) => flipped.has(idOf.get(item.itemId)!)).length
    // Precision among the top N; when the list is shorter than N, its missing places count as
    // misses (hits / N), which is the stricter reading. hits / list length is printed too.
    const precision = hits / n
    console.log(
      `10% flipped: ${n} of ${emails.length} labels; the likely-mislabeled list has ` +
        `${items.length} items, ${hits} of them flipped: precision ${(hits / items.length).toFixed(3)} ` +
        `of the list, ${precision.toFixed(3)} counted over N = ${n}`,
    )
    expect(items.length).toBeGreaterThan(0)
    expect(precision).toBeGreaterThanOrEqual(0.6)
  })
})
