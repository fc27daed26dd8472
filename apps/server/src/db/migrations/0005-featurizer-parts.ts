import { sql, type Kysely, type Migration } from 'kysely'

/** Bytes per featurizer part: one part is one short write transaction. */
export const FEATURIZER_PART_BYTES = 256 * 1024

/**
 * The built-in featurizer (about 11 MB of JSON at 8,192 hashed terms x 256 dimensions) moves
 * from one model_settings cell into parts of 256 KiB. Writing it as one cell held the server's
 * event loop for tens of milliseconds; parts are written one short transaction at a time, and
 * `featurizer_parts` in model_settings is set only once the last part is in, so a reader never
 * takes a half-written featurizer for a whole one.
 */
export const featurizerParts: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('featurizer_parts')
      .addColumn('project_id', 'text', (c) =>
        c.notNull().references('projects.id').onDelete('cascade'),
      )
      .addColumn('part', 'integer', (c) => c.notNull())
      .addColumn('bytes', 'blob', (c) => c.notNull())
      .addPrimaryKeyConstraint('featurizer_parts_pk', ['project_id', 'part'])
      .execute()
    await db.schema.alterTable('model_settings').addColumn('featurizer_parts', 'integer').execute()
    const stored = await sql<{ project_id: string; featurizer: string }>`
      select project_id, featurizer from model_settings where featurizer is not null
    `.execute(db)
    for (const { project_id, featurizer } of stored.rows) {
      const bytes = new TextEncoder().encode(featurizer)
      let parts = 0
      for (let at = 0; at < bytes.length; at += FEATURIZER_PART_BYTES, parts++) {
        const part = bytes.subarray(at, at + FEATURIZER_PART_BYTES)
        await sql`insert into featurizer_parts (project_id, part, bytes)
                  values (${project_id}, ${parts}, ${part})`.execute(db)
      }
      await sql`update model_settings set featurizer_parts = ${parts}, featurizer = null
                where project_id = ${project_id}`.execute(db)
    }
  },
}
