import type { Kysely, Migration } from 'kysely'

/** "Flag as ambiguous": an annotator marks an item for the reviewers, with an optional note. */
export const itemFlags: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('item_flags')
      .addColumn('project_id', 'text', (c) =>
        c.notNull().references('projects.id').onDelete('cascade'),
      )
      .addColumn('item_id', 'integer', (c) =>
        c.notNull().references('items.id').onDelete('cascade'),
      )
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('item_flags_pk', ['item_id', 'user_id'])
      .execute()
    await db.schema
      .createIndex('item_flags_project')
      .on('item_flags')
      .columns(['project_id', 'created_at'])
      .execute()
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('item_flags').ifExists().execute()
  },
}
