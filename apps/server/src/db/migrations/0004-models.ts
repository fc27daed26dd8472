import { sql, type Kysely, type Migration } from 'kysely'

/**
 * Model in the loop: per-project model settings, stored models (ONNX bytes and what they were
 * trained on), item embeddings (built-in or imported), predictions of the active model, the
 * k-means clusters of the embeddings and the queue priority that active learning computes.
 */
export const models: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('model_settings')
      .addColumn('project_id', 'text', (c) =>
        c.primaryKey().references('projects.id').onDelete('cascade'),
      )
      .addColumn('suggestions', 'text', (c) => c.notNull().defaultTo('auto'))
      .addColumn('queue_order', 'text', (c) => c.notNull().defaultTo('default'))
      .addColumn('retrain_every', 'integer', (c) => c.notNull().defaultTo(50))
      .addColumn('active_model', 'text')
      .addColumn('clusters_k', 'integer')
      .addColumn('featurizer', 'text')
      .execute()
    await db.schema
      .createTable('models')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('project_id', 'text', (c) =>
        c.notNull().references('projects.id').onDelete('cascade'),
      )
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('manifest', 'text', (c) => c.notNull())
      .addColumn('onnx', 'blob', (c) => c.notNull())
      .addColumn('metrics', 'text')
      .addColumn('labels_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .addUniqueConstraint('models_version', ['project_id', 'version'])
      .execute()
    await db.schema
      .createTable('embeddings')
      .addColumn('item_id', 'integer', (c) =>
        c.primaryKey().references('items.id').onDelete('cascade'),
      )
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('vector', 'blob', (c) => c.notNull())
      .execute()
    await db.schema
      .createIndex('embeddings_project')
      .on('embeddings')
      .columns(['project_id', 'item_id'])
      .execute()
    await db.schema
      .createTable('predictions')
      .addColumn('item_id', 'integer', (c) =>
        c.primaryKey().references('items.id').onDelete('cascade'),
      )
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('model_id', 'text', (c) => c.notNull())
      .addColumn('proba', 'blob', (c) => c.notNull())
      .addColumn('oof', 'blob')
      .execute()
    await db.schema
      .createIndex('predictions_project')
      .on('predictions')
      .columns(['project_id', 'item_id'])
      .execute()
    await db.schema
      .createTable('item_clusters')
      .addColumn('item_id', 'integer', (c) =>
        c.primaryKey().references('items.id').onDelete('cascade'),
      )
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('cluster', 'integer', (c) => c.notNull())
      .addColumn('x', 'real')
      .addColumn('y', 'real')
      .execute()
    await db.schema
      .createIndex('item_clusters_project')
      .on('item_clusters')
      .columns(['project_id', 'cluster'])
      .execute()
    await db.schema
      .createTable('queue_priority')
      .addColumn('item_id', 'integer', (c) =>
        c.primaryKey().references('items.id').onDelete('cascade'),
      )
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('score', 'real', (c) => c.notNull())
      .execute()
    await sql`create index queue_priority_order on queue_priority (project_id, score desc)`.execute(
      db,
    )
  },
  async down(db: Kysely<unknown>): Promise<void> {
    for (const t of [
      'queue_priority',
      'item_clusters',
      'predictions',
      'embeddings',
      'models',
      'model_settings',
    ]) {
      await db.schema.dropTable(t).ifExists().execute()
    }
  },
}
