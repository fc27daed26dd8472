import type { Kysely, Migration } from 'kysely'

/**
 * Review: adjudicated labels (projected from the `review/<project>` document, like annotations
 * from labels documents), and the booklet version each annotation was made under.
 */
export const review: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('adjudications')
      .addColumn('project_id', 'text', (c) =>
        c.notNull().references('projects.id').onDelete('cascade'),
      )
      .addColumn('item_id', 'integer', (c) =>
        c.notNull().references('items.id').onDelete('cascade'),
      )
      .addColumn('label', 'text', (c) => c.notNull())
      .addColumn('rationale', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('decided_by', 'text', (c) => c.notNull())
      .addColumn('decided_at', 'integer', (c) => c.notNull())
      .addColumn('session_id', 'text')
      .addPrimaryKeyConstraint('adjudications_pk', ['item_id'])
      .execute()
    await db.schema
      .createIndex('adjudications_project')
      .on('adjudications')
      .column('project_id')
      .execute()
    await db.schema.alterTable('annotations').addColumn('booklet_version', 'integer').execute()
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('adjudications').ifExists().execute()
    await db.schema.alterTable('annotations').dropColumn('booklet_version').execute()
  },
}
