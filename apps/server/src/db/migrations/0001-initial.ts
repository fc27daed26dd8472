import { sql, type Kysely, type Migration } from 'kysely'

export const initial: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('username', 'text', (c) => c.notNull().unique())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('is_admin', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .execute()

    await db.schema
      .createTable('sessions')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .addColumn('expires_at', 'integer', (c) => c.notNull())
      .execute()
    await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute()

    await db.schema
      .createTable('projects')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('label_schema', 'text', (c) => c.notNull())
      .addColumn('overlap', 'integer', (c) => c.notNull())
      .addColumn('blind', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('annotators_edit_booklet', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'integer', (c) => c.notNull())
      .execute()

    await db.schema
      .createTable('members')
      .addColumn('project_id', 'text', (c) =>
        c.notNull().references('projects.id').onDelete('cascade'),
      )
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('members_pk', ['project_id', 'user_id'])
      .execute()
    await db.schema.createIndex('members_user').on('members').column('user_id').execute()

    await db.schema
      .createTable('items')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('project_id', 'text', (c) =>
        c.notNull().references('projects.id').onDelete('cascade'),
      )
      .addColumn('external_id', 'text', (c) => c.notNull())
      .addColumn('text', 'text')
      .addColumn('media_url', 'text')
      .addColumn('metadata', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('label_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .addUniqueConstraint('items_external', ['project_id', 'external_id'])
      .execute()
    // The queue scans a project's items that still need labels, in id order.
    await db.schema
      .createIndex('items_queue')
      .on('items')
      .columns(['project_id', 'label_count', 'id'])
      .execute()

    await db.schema
      .createTable('doc_updates')
      .addColumn('doc', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('update', 'blob', (c) => c.notNull())
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .execute()
    await db.schema
      .createIndex('doc_updates_doc_seq')
      .on('doc_updates')
      .columns(['doc', 'seq'])
      .unique()
      .execute()

    await db.schema
      .createTable('annotations')
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('item_id', 'integer', (c) =>
        c.notNull().references('items.id').onDelete('cascade'),
      )
      .addColumn('annotator_id', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('unsure', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('updated_at', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('annotations_pk', ['item_id', 'annotator_id'])
      .execute()
    await db.schema
      .createIndex('annotations_project_annotator')
      .on('annotations')
      .columns(['project_id', 'annotator_id'])
      .execute()

    await db.schema
      .createTable('assignments')
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('item_id', 'integer', (c) =>
        c.notNull().references('items.id').onDelete('cascade'),
      )
      .addColumn('annotator_id', 'text', (c) => c.notNull())
      .addColumn('assigned_at', 'integer', (c) => c.notNull())
      .addColumn('expires_at', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('assignments_pk', ['item_id', 'annotator_id'])
      .execute()
    await db.schema
      .createIndex('assignments_project_annotator')
      .on('assignments')
      .columns(['project_id', 'annotator_id'])
      .execute()
    await sql`select 1`.execute(db)
  },

  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of [
      'assignments',
      'annotations',
      'doc_updates',
      'items',
      'members',
      'projects',
      'sessions',
      'users',
    ]) {
      await db.schema.dropTable(table).ifExists().execute()
    }
  },
}
