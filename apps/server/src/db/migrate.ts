import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely'
import { initial } from './migrations/0001-initial'
import { itemFlags } from './migrations/0002-item-flags'
import { review } from './migrations/0003-review'
import { models } from './migrations/0004-models'
import { featurizerParts } from './migrations/0005-featurizer-parts'
import { accountLife } from './migrations/0006-account-life'
import { remoteMedia } from './migrations/0007-remote-media'
import { modelStatus } from './migrations/0008-model-status'

/** Versioned migrations, in order. Names sort in the order they must run. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-item-flags': itemFlags,
  '0003-review': review,
  '0004-models': models,
  '0005-featurizer-parts': featurizerParts,
  '0006-account-life': accountLife,
  '0007-remote-media': remoteMedia,
  '0008-model-status': modelStatus,
}

const provider: MigrationProvider = {
  getMigrations: () => Promise.resolve(MIGRATIONS),
}

export class MigrationFailedError extends Error {
  constructor(
    readonly migration: string,
    cause: unknown,
  ) {
    super(
      `migration ${migration} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
    )
    this.name = 'MigrationFailedError'
  }
}

/** Runs pending migrations; start-up stops on the first failure (nothing half-migrated runs). */
export async function migrateToLatest(db: Kysely<unknown>): Promise<string[]> {
  const migrator = new Migrator({ db, provider })
  const { error, results } = await migrator.migrateToLatest()
  const failed = results?.find((r) => r.status === 'Error')
  if (error !== undefined || failed) {
    throw new MigrationFailedError(failed?.migrationName ?? 'unknown', error)
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}
