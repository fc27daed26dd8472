import {
  ConcordError,
  createCsvParser,
  createJsonlParser,
  DEFAULT_ITEM_COLUMNS,
  ImportError,
  itemCsvLayout,
  itemFromCsv,
  itemFromJson,
  type CsvRow,
  type ItemColumnNames,
  type ItemCsvLayout,
  type ItemRow,
  type ProjectId,
} from '@concord/core'
import type { ServerContext } from '../context'
import { countItems, existingExternalIds, insertItems, INSERT_BATCH } from '../repos/items'
import { getProject } from '../repos/projects'
import { isUniqueViolation } from '../repos/users'
import { decodeSource, type ImportProgress, type ImportSource } from './decode-source'

export type ItemImportFormat = 'csv' | 'jsonl'

export interface ItemImportResult {
  readonly imported: number
}

/**
 * Imports items from a CSV or JSON Lines file, all or nothing.
 *
 * 1. Streams the source through the core parser, validating and mapping every record
 *    (`ImportError` "line N: ..." on the first bad one); an id repeated in the file is an error
 *    on its second line.
 * 2. In one transaction: checks that no id is already in the project (error on the first such
 *    line), then inserts every row in multi-row batches.
 *
 * The file is read and validated before the transaction starts, so a slow upload never holds
 * the write lock; the validated rows are held in memory until then.
 */
export async function importItems(
  ctx: ServerContext,
  projectId: ProjectId,
  source: ImportSource,
  format: ItemImportFormat,
  onProgress?: (p: ImportProgress) => void,
  columns: ItemColumnNames = DEFAULT_ITEM_COLUMNS,
): Promise<ItemImportResult> {
  const project = await getProject(ctx.db, projectId)
  if (!project) throw new ConcordError('not_found', `no project '${projectId}'`)

  const rows: ItemRow[] = []
  const lines: number[] = []
  const seen = new Map<string, number>()
  // Every imported embedding of a project has one width: the models read them as one matrix.
  const stored = await ctx.db
    .selectFrom('embeddings')
    .select('vector')
    .where('project_id', '=', projectId)
    .where('source', '=', 'imported')
    .limit(1)
    .executeTakeFirst()
  let width: { dims: number; from: string } | undefined = stored
    ? { dims: stored.vector.byteLength / 4, from: "as in the project's embeddings" }
    : undefined
  const accept = (row: ItemRow, line: number): void => {
    const before = seen.get(row.externalId)
    if (before !== undefined) {
      throw new ImportError(line, `the id '${row.externalId}' is already used on line ${before}`)
    }
    const embedding = row.metadata.embedding
    if (Array.isArray(embedding)) {
      if (embedding.length === 0) throw new ImportError(line, "'embedding' is empty")
      if (width === undefined) width = { dims: embedding.length, from: `as on line ${line}` }
      else if (embedding.length !== width.dims) {
        throw new ImportError(
          line,
          `'embedding' has ${embedding.length} numbers; ${width.dims} are expected (${width.from})`,
        )
      }
    }
    seen.set(row.externalId, line)
    rows.push(row)
    lines.push(line)
  }

  let bytes = 0
  if (format === 'csv') {
    const parser = createCsvParser()
    let layout: ItemCsvLayout | undefined
    const take = (batch: CsvRow[]): void => {
      for (const record of batch) {
        if (layout === undefined) {
          layout = itemCsvLayout(record, columns)
          continue
        }
        accept(itemFromCsv(layout, record), record.line)
      }
    }
    for await (const chunk of decodeSource(source, () => parser.line)) {
      take(parser.push(chunk.text))
      bytes += chunk.bytes
      onProgress?.({ rows: rows.length, bytes })
    }
    take(parser.end())
    if (layout === undefined) throw new ImportError(1, 'the file is empty; expected a header line')
  } else {
    const parser = createJsonlParser()
    for await (const chunk of decodeSource(source, () => parser.line)) {
      for (const record of parser.push(chunk.text)) {
        accept(itemFromJson(record, columns), record.line)
      }
      bytes += chunk.bytes
      onProgress?.({ rows: rows.length, bytes })
    }
    for (const record of parser.end()) accept(itemFromJson(record, columns), record.line)
    if (rows.length === 0) throw new ImportError(1, 'the file has no items')
  }
  onProgress?.({ rows: rows.length, bytes })

  const now = ctx.clock.now()
  try {
    await ctx.db.transaction().execute(async (trx) => {
      const empty = (await countItems(trx, projectId)) === 0
      for (let i = 0; !empty && i < rows.length; i += INSERT_BATCH) {
        const ids = rows.slice(i, i + INSERT_BATCH).map((r) => r.externalId)
        const taken = await existingExternalIds(trx, projectId, ids)
        const at = ids.findIndex((id) => taken.has(id))
        if (at !== -1) {
          throw new ImportError(
            lines[i + at] ?? 0,
            `an item with id '${ids[at]}' is already in the project`,
          )
        }
      }
      await insertItems(trx, projectId, rows, now)
    })
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new ConcordError('conflict', 'items with some of these ids were added meanwhile')
    }
    throw err
  }
  ctx.log.info('items imported', { project: projectId, rows: rows.length, bytes })
  return { imported: rows.length }
}
