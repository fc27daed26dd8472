import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Clock } from '../clock'
import type { DocWriter, ServerContext } from '../context'
import { openDatabase, type OpenedDatabase } from '../db/open-database'
import { createMemoryLogger } from '../logger'
import { resolveOptions, type OptionOverrides } from '../options'
import { createMemoryDocWriter } from './memory-doc-writer'

/** A clock tests move by hand. */
export interface TestClock extends Clock {
  set(ms: number): void
  advance(ms: number): void
}

export function createTestClock(start = Date.UTC(2025, 0, 1)): TestClock {
  let now = start
  return {
    now: () => now,
    set: (ms) => {
      now = ms
    },
    advance: (ms) => {
      now += ms
    },
  }
}

export interface TestContext {
  readonly ctx: ServerContext
  readonly clock: TestClock
  readonly log: ReturnType<typeof createMemoryLogger>
  readonly database: OpenedDatabase
  readonly dataDir: string
  close(): Promise<void>
}

export interface TestContextOptions {
  readonly options?: OptionOverrides
  /** Builds the DocWriter; defaults to an in-memory one. */
  readonly docs?: (parts: { database: OpenedDatabase; clock: Clock }) => DocWriter & {
    close?(): Promise<void>
  }
}

/**
 * A real SQLite file in a fresh temporary directory, migrated, with a settable clock, a memory
 * logger and (by default) an in-memory DocWriter. `close` removes the directory.
 */
export async function createTestContext(opts: TestContextOptions = {}): Promise<TestContext> {
  const dataDir = mkdtempSync(join(tmpdir(), 'concord-test-'))
  const options = resolveOptions({ dataDir, quiet: true, seedDemo: false, ...opts.options }, {})
  const database = await openDatabase(options.dbFile)
  const clock = createTestClock()
  const log = createMemoryLogger()
  const docs = opts.docs ? opts.docs({ database, clock }) : createMemoryDocWriter()
  const ctx: ServerContext = {
    db: database.db,
    durable: database.durable,
    options,
    clock,
    docs,
    log,
  }
  return {
    ctx,
    clock,
    log,
    database,
    dataDir,
    close: async () => {
      await (docs as { close?: () => Promise<void> }).close?.()
      await database.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
