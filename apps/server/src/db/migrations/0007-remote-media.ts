import type { Kysely, Migration } from 'kysely'

/**
 * Whether a project may show images from other servers. Off by default: every remote image an
 * annotator's browser loads tells that server who looks at which item and when.
 */
export const remoteMedia: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('projects')
      .addColumn('allow_remote_media', 'integer', (c) => c.notNull().defaultTo(0))
      .execute()
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('projects').dropColumn('allow_remote_media').execute()
  },
}
