import type { ProjectId } from '@concord/core'
import { sql } from 'kysely'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { featurizerParts, FEATURIZER_PART_BYTES } from '../../db/migrations/0005-featurizer-parts'
import { insertItems, itemIdsOf } from '../../repos/items'
import { createTestApp, type TestApp } from '../../testing/test-app'
import { storeEmbeddings, storeFeaturizer } from '../model-repo'
import { StoredFeatures } from './stored-features'

// What a model worker reads from the database file on its own connection, and the featurizer's
// parts, which the server writes one short transaction at a time.

let t: TestApp
let project: ProjectId
let ids: number[]
let reader: StoredFeatures

beforeEach(async () => {
  t = await createTestApp()
  project = (await t.project({ id: 'sf' })).id
  await insertItems(
    t.ctx.db,
    project,
    [
      { externalId: 'a', text: 'first text', metadata: {} },
      { externalId: 'b', mediaUrl: 'b.png', metadata: {} },
      { externalId: 'c', text: 'third text', metadata: {} },
      { externalId: 'd', metadata: {} },
    ],
    t.clock.now(),
  )
  ids = await itemIdsOf(t.ctx.db, project)
  reader = new StoredFeatures(t.ctx.options.dbFile)
})

afterEach(async () => {
  reader.close()
  await t.close()
})

/** A featurizer-like text of `bytes` UTF-8 bytes, multi-byte characters across part edges. */
function bigText(bytes: number): string {
  const pieces: string[] = []
  for (let size = 0; size < bytes;) {
    const piece = `{"w":"é${pieces.length}ü"},`
    pieces.push(piece)
    size += new TextEncoder().encode(piece).length
  }
  return pieces.join('')
}

describe('StoredFeatures', () => {
  it('lists the texts still without an embedding, leaving media items out when asked', async () => {
    expect(reader.missingTexts(project, false)).toEqual({
      ids: Int32Array.from(ids),
      texts: ['first text', '', 'third text', ''],
    })
    await storeEmbeddings(t.ctx.db, project, 'builtin', [ids[0]!], new Float32Array([1, 2]), 2)
    expect(reader.missingTexts(project, true)).toEqual({
      ids: Int32Array.from([ids[2]!, ids[3]!]),
      texts: ['third text', ''],
    })
    expect(reader.allTexts(project)).toEqual(['first text', '', 'third text', ''])
  })

  it('reads embeddings in id order, or for given items in their order, skipping missing ones', async () => {
    const X = Float32Array.from([0.5, -1, 2.25, 3, 1e-7, -0])
    await storeEmbeddings(t.ctx.db, project, 'builtin', [ids[0]!, ids[2]!, ids[3]!], X, 2)
    expect(reader.embeddings(project)).toEqual({
      ids: Int32Array.from([ids[0]!, ids[2]!, ids[3]!]),
      X,
      d: 2,
    })
    expect(reader.embeddings(project, Int32Array.from([ids[3]!, ids[1]!, ids[0]!]))).toEqual({
      ids: Int32Array.from([ids[3]!, ids[0]!]),
      X: Float32Array.from([1e-7, -0, 0.5, -1]),
      d: 2,
    })
    expect(reader.embeddings('other')).toEqual({
      ids: new Int32Array(0),
      X: new Float32Array(0),
      d: 0,
    })
  })

  it('reads back a featurizer stored in parts, and none while its parts are incomplete', async () => {
    expect(reader.featurizer(project)).toBeNull()
    const text = bigText(2 * FEATURIZER_PART_BYTES + 1000)
    await storeFeaturizer(t.ctx.db, project, new TextEncoder().encode(text))
    const parts = await t.ctx.db
      .selectFrom('featurizer_parts')
      .select('part')
      .where('project_id', '=', project)
      .execute()
    expect(parts.map((p) => p.part)).toEqual([0, 1, 2])
    expect(reader.featurizer(project)).toBe(text)

    // A write that stopped half-way (the count is set last) is no featurizer at all.
    await t.ctx.db.deleteFrom('featurizer_parts').where('part', '=', 2).execute()
    expect(reader.featurizer(project)).toBeNull()

    // Storing again replaces every part.
    await storeFeaturizer(t.ctx.db, project, new TextEncoder().encode('{"small":true}'))
    expect(reader.featurizer(project)).toBe('{"small":true}')
  })
})

describe('migration 0005', () => {
  it('moves a featurizer kept in model_settings into parts', async () => {
    // Back to the 0004 layout, with a featurizer in the old column.
    const db = t.ctx.db
    await db.schema.dropTable('featurizer_parts').execute()
    await sql`alter table model_settings drop column featurizer_parts`.execute(db)
    const text = bigText(FEATURIZER_PART_BYTES + 10)
    await sql`insert into model_settings (project_id, featurizer) values (${project}, ${text})`.execute(
      db,
    )

    await featurizerParts.up(db as never)

    expect(reader.featurizer(project)).toBe(text)
    const row = await db
      .selectFrom('model_settings')
      .select(['featurizer', 'featurizer_parts'])
      .where('project_id', '=', project)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ featurizer: null, featurizer_parts: 2 })
  })
})
