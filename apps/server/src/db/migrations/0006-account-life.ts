import type { Kysely, Migration } from 'kysely'

/**
 * Accounts can be disabled: `disabled_at` is when an administrator did it (NULL: enabled). A
 * disabled account keeps its labels and memberships but cannot sign in or use a session.
 */
export const accountLife: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('users').addColumn('disabled_at', 'integer').execute()
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('users').dropColumn('disabled_at').execute()
  },
}
