import {
  ConcordError,
  createCsvParser,
  createJsonlParser,
  DEFAULT_ITEM_COLUMNS,
  ImportError,
  itemCsvLayout,
  itemFromCsv,
  itemFromJson,
  localMediaPathProblem,
  mediaReference,
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
import { createGiveWay } from './give-way'

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
 * 2. Checks that no id is already in the project (error on the first such line).
 * 3. In one transaction, inserts every row in multi-row batches; an id added meanwhile by
 *    someone else is a conflict and nothing is stored.
 *
 * The file is read and validated before the transaction starts, so a slow upload never holds
 * the write lock; the validated rows are held in memory until then. Every step works in short
 * slices and gives way to the event loop between them (createGiveWay), so other requests and
 * sync messages are served while a big file is imported. One step cannot be cut: the COMMIT,
 * which writes the transaction's pages to the log in one go (about 60 ms for 100,000 rows,
 * 22 MB, on a 2-core machine; it grows with the file). While the insert transaction is open
 * (it is short: the rows are ready), other writers wait for it rather than land inside it:
 * Kysely queries queue for the connection, and sync commits take that queued path while a
 * transaction is open (SqliteAppender.ready), so they are delayed, never lost or rolled back
 * with a failed import.
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
  const giveWay = createGiveWay()

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
    if (row.mediaUrl !== undefined)
      checkMedia(row.mediaUrl, line, project.allowRemoteMedia, ctx.options.remoteMediaOrigins)
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
      await giveWay()
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
      await giveWay()
    }
    for (const record of parser.end()) accept(itemFromJson(record, columns), record.line)
    if (rows.length === 0) throw new ImportError(1, 'the file has no items')
  }
  onProgress?.({ rows: rows.length, bytes })

  // Reads, outside the transaction: an id that arrives after this check is caught by the unique
  // index inside it.
  const empty = (await countItems(ctx.db, projectId)) === 0
  for (let i = 0; !empty && i < rows.length; i += INSERT_BATCH) {
    const ids = rows.slice(i, i + INSERT_BATCH).map((r) => r.externalId)
    const taken = await existingExternalIds(ctx.db, projectId, ids)
    const at = ids.findIndex((id) => taken.has(id))
    if (at !== -1) {
      throw new ImportError(
        lines[i + at] ?? 0,
        `an item with id '${ids[at]}' is already in the project`,
      )
    }
    await giveWay()
  }

  const now = ctx.clock.now()
  try {
    await ctx.db.transaction().execute(async (trx) => {
      for (const batch of insertBatches(rows)) {
        await insertItems(trx, projectId, batch, now)
        await giveWay()
      }
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

/**
 * An image on another server is refused unless the project allows remote media: every browser
 * that shows it would tell that server who looks at which item, and when. Its origin must also be
 * one the administrator listed (CONCORD_REMOTE_MEDIA_ORIGINS), or the page's CSP would block it.
 * A local path must stay inside the media directory (the route that serves it checks again,
 * links included).
 */
function checkMedia(
  mediaUrl: string,
  line: number,
  allowRemote: boolean,
  allowedOrigins: readonly string[],
): void {
  const media = mediaReference(mediaUrl)
  if (media.kind === 'remote') {
    if (allowRemote) {
      const origin = URL.canParse(media.url) ? new URL(media.url).origin : undefined
      if (origin === undefined) {
        throw new ImportError(line, `the image '${media.url.slice(0, 80)}' is not a valid URL`)
      }
      if (allowedOrigins.includes(origin)) return
      throw new ImportError(
        line,
        `the image '${media.url.slice(0, 80)}' is on ${origin.slice(0, 80)}, which this server ` +
          'does not load images from; its administrator lists the origins allowed in ' +
          'CONCORD_REMOTE_MEDIA_ORIGINS',
      )
    }
    throw new ImportError(
      line,
      `the image '${media.url.slice(0, 80)}' is on another server, and loading it would tell ` +
        "that server who views which item; put the file in Concord's media directory and give " +
        'its path, or let the project allow remote media (Settings)',
    )
  }
  const problem = localMediaPathProblem(media.path)
  if (problem !== undefined) throw new ImportError(line, problem)
}

/** Characters of row data per insert statement: one statement is one uninterrupted slice. */
const BATCH_CHARS = 1024 * 1024

/** A rough size of a row as stored, enough to keep one insert statement short. */
function roughSize(row: ItemRow): number {
  let size = 64 + row.externalId.length + (row.text?.length ?? 0) + (row.mediaUrl?.length ?? 0)
  for (const value of Object.values(row.metadata)) {
    if (typeof value === 'string') size += value.length
    else if (Array.isArray(value)) size += 8 * value.length
    else size += 16
  }
  return size
}

/** `rows` cut into batches of at most INSERT_BATCH rows and about BATCH_CHARS characters. */
function* insertBatches(rows: readonly ItemRow[]): Generator<ItemRow[]> {
  let batch: ItemRow[] = []
  let size = 0
  for (const row of rows) {
    const rowSize = roughSize(row)
    if (batch.length > 0 && (batch.length >= INSERT_BATCH || size + rowSize > BATCH_CHARS)) {
      yield batch
      batch = []
      size = 0
    }
    batch.push(row)
    size += rowSize
  }
  if (batch.length > 0) yield batch
}
