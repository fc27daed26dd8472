import {
  ConcordError,
  createCsvParser,
  DEFAULT_LABEL_COLUMNS,
  ImportError,
  labelCsvLayout,
  labelFromCsv,
  parseLabelText,
  roomName,
  setLabel,
  type CsvRow,
  type LabelColumnNames,
  type LabelCsvLayout,
  type LabelRow,
  type LabelValue,
  type ProjectId,
  type UserId,
} from '@concord/core'
import type { ServerContext } from '../context'
import { itemIdsByExternalId } from '../repos/items'
import { addMissingMembers } from '../repos/members'
import { getProject } from '../repos/projects'
import { resolveUsers } from '../repos/users'
import { decodeSource, type ImportProgress, type ImportSource } from './decode-source'

export interface LabelImportResult {
  /** Labels written. */
  readonly imported: number
  /** Distinct annotators whose labels document was changed. */
  readonly annotators: number
  /** Annotators who were not members and were added with the role annotator. */
  readonly membersAdded: number
}

interface ResolvedLabel {
  readonly itemId: number
  readonly value: LabelValue
  readonly unsure: boolean
  readonly note?: string
}

/**
 * Imports judgements from a CSV of (item, annotator, label[, unsure][, note]) rows: the item by
 * its external id, the annotator by user id or username, the label by id ('|'-joined ids for a
 * multi-label schema).
 *
 * Everything is validated before anything is written: unknown items, annotators and labels and a
 * second label for the same (item, annotator) are ImportErrors with the line. Then annotators who
 * are not members become members with the role annotator, and each annotator's rows are written
 * into their labels document in one change, as first-class Yjs data (the sync layer projects them
 * into `annotations`). An imported label replaces the annotator's current label for that item.
 */
export async function importLabels(
  ctx: ServerContext,
  projectId: ProjectId,
  source: ImportSource,
  onProgress?: (p: ImportProgress) => void,
  columns: LabelColumnNames = DEFAULT_LABEL_COLUMNS,
): Promise<LabelImportResult> {
  const project = await getProject(ctx.db, projectId)
  if (!project) throw new ConcordError('not_found', `no project '${projectId}'`)

  const rows: LabelRow[] = []
  const parser = createCsvParser()
  let layout: LabelCsvLayout | undefined
  const take = (batch: CsvRow[]): void => {
    for (const record of batch) {
      if (layout === undefined) layout = labelCsvLayout(record, columns)
      else rows.push(labelFromCsv(layout, record))
    }
  }
  let bytes = 0
  for await (const chunk of decodeSource(source, () => parser.line)) {
    take(parser.push(chunk.text))
    bytes += chunk.bytes
    onProgress?.({ rows: rows.length, bytes })
  }
  take(parser.end())
  if (layout === undefined) throw new ImportError(1, 'the file is empty; expected a header line')
  onProgress?.({ rows: rows.length, bytes })

  const users = await resolveUsers(ctx.db, [...new Set(rows.map((r) => r.annotator))])
  const items = await itemIdsByExternalId(ctx.db, projectId, [...new Set(rows.map((r) => r.item))])

  const byAnnotator = new Map<UserId, Map<number, ResolvedLabel>>()
  const firstLine = new Map<string, number>()
  for (const row of rows) {
    const user = users.get(row.annotator)
    if (!user) throw new ImportError(row.line, `no user with id or username '${row.annotator}'`)
    const itemId = items.get(row.item)
    if (itemId === undefined) {
      throw new ImportError(row.line, `no item with id '${row.item}' in this project`)
    }
    const checked = parseLabelText(project.labelSchema, row.label)
    if (!checked.ok) throw new ImportError(row.line, checked.reason)
    const pair = `${itemId}\u0000${user}`
    const before = firstLine.get(pair)
    if (before !== undefined) {
      throw new ImportError(
        row.line,
        `'${row.annotator}' already labels item '${row.item}' on line ${before}`,
      )
    }
    firstLine.set(pair, row.line)
    let labels = byAnnotator.get(user)
    if (!labels) byAnnotator.set(user, (labels = new Map()))
    labels.set(itemId, {
      itemId,
      value: checked.value,
      unsure: row.unsure,
      ...(row.note !== undefined ? { note: row.note } : {}),
    })
  }

  const now = ctx.clock.now()
  const membersAdded = await ctx.db
    .transaction()
    .execute((trx) => addMissingMembers(trx, projectId, [...byAnnotator.keys()], 'annotator', now))
  for (const [annotator, labels] of byAnnotator) {
    const at = ctx.clock.now()
    await ctx.docs.change(roomName({ kind: 'labels', project: projectId, annotator }), (doc) => {
      for (const label of labels.values()) {
        setLabel(doc, String(label.itemId), {
          value: typeof label.value === 'string' ? label.value : [...label.value],
          unsure: label.unsure,
          ...(label.note !== undefined ? { note: label.note } : {}),
          at,
        })
      }
    })
  }
  ctx.log.info('labels imported', {
    project: projectId,
    rows: rows.length,
    annotators: byAnnotator.size,
  })
  return { imported: rows.length, annotators: byAnnotator.size, membersAdded }
}
