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
import { INSERT_BATCH, itemIdsByExternalId } from '../repos/items'
import { addMissingMembers, resolveMembers } from '../repos/members'
import { getProject } from '../repos/projects'
import { resolveUsers } from '../repos/users'
import { decodeSource, type ImportProgress, type ImportSource } from './decode-source'
import { createGiveWay } from './give-way'

export interface LabelImportResult {
  /** Labels written. */
  readonly imported: number
  /** Distinct annotators whose labels document was changed. */
  readonly annotators: number
  /** Annotators who were not members and were added with the role annotator. */
  readonly membersAdded: number
}

export interface LabelImportOptions {
  readonly onProgress?: (p: ImportProgress) => void
  readonly columns?: LabelColumnNames
  /**
   * Let the file name accounts that are not members yet, and add them as annotators. Only a
   * global administrator may ask for this (the route and the CLI decide who that is).
   */
  readonly addMembers?: boolean
}

/**
 * Labels written in one Yjs change: one change is one synchronous transaction, commit and
 * projection, so a whole big file in one would stall the server for seconds (2,000 labels took
 * about 100 ms of the event loop, 250 about 20).
 */
export const LABELS_PER_CHANGE = 250

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
 * second label for the same (item, annotator) are ImportErrors with the line. An annotator must be
 * a member of the project: a project admin attributes labels to the people of the project only,
 * and an account that does not exist gets the same error as one that is not a member, so the
 * error reveals no usernames. With `addMembers` (global administrators), any account may be named
 * and those who are not members become annotators. Then each annotator's rows are written
 * into their labels document, as first-class Yjs data (the sync layer projects them into
 * `annotations`), in changes of LABELS_PER_CHANGE labels with a turn of the event loop between
 * them, so that a big file does not hold up sync peers. An imported label replaces the
 * annotator's current label for that item.
 */
export async function importLabels(
  ctx: ServerContext,
  projectId: ProjectId,
  source: ImportSource,
  options: LabelImportOptions = {},
): Promise<LabelImportResult> {
  const { onProgress, columns = DEFAULT_LABEL_COLUMNS, addMembers = false } = options
  const project = await getProject(ctx.db, projectId)
  if (!project) throw new ConcordError('not_found', `no project '${projectId}'`)

  // Reading and checking a big file gives way to other requests between slices.
  const giveWay = createGiveWay()
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
    await giveWay()
  }
  take(parser.end())
  if (layout === undefined) throw new ImportError(1, 'the file is empty; expected a header line')
  onProgress?.({ rows: rows.length, bytes })

  const refs = [...new Set(rows.map((r) => r.annotator))]
  const users = addMembers
    ? await resolveUsers(ctx.db, refs)
    : await resolveMembers(ctx.db, projectId, refs)
  const items = new Map<string, number>()
  const itemRefs = [...new Set(rows.map((r) => r.item))]
  for (let i = 0; i < itemRefs.length; i += INSERT_BATCH) {
    const found = await itemIdsByExternalId(ctx.db, projectId, itemRefs.slice(i, i + INSERT_BATCH))
    for (const [ref, id] of found) items.set(ref, id)
    await giveWay()
  }

  const byAnnotator = new Map<UserId, Map<number, ResolvedLabel>>()
  const firstLine = new Map<string, number>()
  for (const row of rows) {
    await giveWay()
    const user = users.get(row.annotator)
    if (!user) {
      throw new ImportError(
        row.line,
        addMembers
          ? `no user with id or username '${row.annotator}'`
          : `'${row.annotator}' is not a member of this project; add them to the project first`,
      )
    }
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
  const membersAdded = addMembers
    ? await ctx.db
        .transaction()
        .execute((trx) =>
          addMissingMembers(trx, projectId, [...byAnnotator.keys()], 'annotator', now),
        )
    : 0
  for (const [annotator, labels] of byAnnotator) {
    const at = ctx.clock.now()
    const all = [...labels.values()]
    for (let from = 0; from < all.length; from += LABELS_PER_CHANGE) {
      const slice = all.slice(from, from + LABELS_PER_CHANGE)
      await ctx.docs.change(roomName({ kind: 'labels', project: projectId, annotator }), (doc) => {
        for (const label of slice) {
          setLabel(doc, String(label.itemId), {
            value: typeof label.value === 'string' ? label.value : [...label.value],
            unsure: label.unsure,
            ...(label.note !== undefined ? { note: label.note } : {}),
            at,
          })
        }
      })
      await giveWay()
    }
  }
  ctx.log.info('labels imported', {
    project: projectId,
    rows: rows.length,
    annotators: byAnnotator.size,
  })
  return { imported: rows.length, annotators: byAnnotator.size, membersAdded }
}
