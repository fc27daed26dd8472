import type { Kysely, Migration } from 'kysely'

/**
 * Whether a classifier has shown that it works on its project. A new model is 'pending' until
 * its first prediction pass over the project succeeds ('ok'); only an 'ok' model can be the
 * active one, so a model that fails ('failed', with the runtime's error) never replaces a
 * working one. Models stored before this migration were in use already: they start 'ok'.
 */
export const modelStatus: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('models')
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('ok'))
      .execute()
    await db.schema.alterTable('models').addColumn('error', 'text').execute()
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('models').dropColumn('error').execute()
    await db.schema.alterTable('models').dropColumn('status').execute()
  },
}
