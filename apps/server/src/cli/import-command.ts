import { createReadStream, statSync } from 'node:fs'
import { basename, extname } from 'node:path'
import { asProjectId } from '@concord/core'
import type { ImportProgress } from '../import/decode-source'
import type { CliCommand } from './cli-command'
import type { CliIo } from './cli-io'
import { DATA_DIR_HELP, DATA_DIR_OPTION, withOfflineContext } from './offline-context'
import { parseCommandArgs } from './parse-command-args'
import { createProgressBar, type ProgressBar } from './progress-bar'
import { UsageError } from './usage-error'

type Format = 'csv' | 'jsonl'

/** The format named by --format, or else by the file's extension. */
export function importFormat(file: string, flag: string | undefined): Format {
  const name = flag?.toLowerCase()
  if (name !== undefined) {
    if (name === 'csv' || name === 'jsonl') return name
    throw new UsageError(`--format must be csv or jsonl, got '${flag}'`)
  }
  const ext = extname(file).toLowerCase()
  if (ext === '.csv') return 'csv'
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl'
  throw new UsageError(`cannot tell the format of '${basename(file)}'; pass --format csv or jsonl`)
}

function fileSize(file: string): number {
  let stat
  try {
    stat = statSync(file)
  } catch {
    throw new UsageError(`cannot read '${file}': no such file`)
  }
  if (!stat.isFile()) throw new UsageError(`'${file}' is not a file`)
  return stat.size
}

/** Streams a file through `importer` with a progress bar on stderr. */
async function runImport<T>(
  io: CliIo,
  file: string,
  importer: (
    source: AsyncIterable<Uint8Array>,
    onProgress: (p: ImportProgress) => void,
  ) => Promise<T>,
): Promise<{ result: T; seconds: number }> {
  const total = fileSize(file)
  const bar: ProgressBar = createProgressBar({
    stream: io.stderr,
    label: `Reading ${basename(file)}`,
    total,
    now: () => io.now(),
  })
  const started = io.now()
  const stream = createReadStream(file, { highWaterMark: 256 * 1024 })
  let last: ImportProgress = { rows: 0, bytes: 0 }
  try {
    const result = await importer(stream, (p) => {
      last = p
      bar.update(p)
    })
    bar.done(last)
    return { result, seconds: (io.now() - started) / 1000 }
  } catch (err) {
    bar.done(last)
    throw err
  } finally {
    stream.destroy()
  }
}

const IMPORT_OPTIONS = {
  project: { type: 'string' },
  ...DATA_DIR_OPTION,
} as const

function projectOf(value: string | undefined): string {
  if (value === undefined || value === '') throw new UsageError('missing --project ID')
  return value
}

export const importItemsCommand: CliCommand = {
  name: 'import items',
  summary: 'import items from a CSV or JSONL file',
  help: `Usage: concord import items FILE --project ID [--format csv|jsonl] [--data-dir D]

Imports items into a project, all or nothing: the first bad row stops the import with its line
number and nothing is stored. CSV needs a header with an 'id' column and a 'text' column
(or 'image'/'image_url'/'media_url'/'url'); other columns become metadata. JSONL takes one
object per line with the same keys.

  --project ID    the project
  --format F      csv or jsonl (default: from the extension: .csv, .jsonl, .ndjson)
${DATA_DIR_HELP}
`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(
      args,
      { ...IMPORT_OPTIONS, format: { type: 'string' } },
      { min: 1, max: 1, names: 'FILE' },
    )
    const file = positionals[0] ?? ''
    const format = importFormat(file, values.format)
    const project = projectOf(values.project)
    fileSize(file)
    const { importItems } = await import('../import/import-items')
    const { result, seconds } = await withOfflineContext(values['data-dir'], io, (ctx) =>
      runImport(io, file, (source, onProgress) =>
        importItems(ctx, asProjectId(project), source, format, onProgress),
      ),
    )
    io.stdout.write(
      `Imported ${result.imported} items into '${project}' in ${seconds.toFixed(1)} s\n`,
    )
    return 0
  },
}

export const importLabelsCommand: CliCommand = {
  name: 'import labels',
  summary: 'import existing labels from a CSV file',
  help: `Usage: concord import labels FILE --project ID [--add-members] [--data-dir D]

Imports judgements made elsewhere (a spreadsheet) from a CSV with the columns item, annotator,
label and optionally unsure and note: the item by its imported id, the annotator by username or
user id, the label by id ('a|b' for several in a multi-label project). Every annotator must be a
member of the project, unless --add-members is given: then annotators who are not members become
annotators. All or nothing, like 'import items'.

Running it while a server uses the same data directory is fine: the labels are stored at once,
and within a second the server sends them to whoever has those documents open.

  --project ID    the project
  --add-members   add the annotators who are not members yet to the project
${DATA_DIR_HELP}
`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(
      args,
      { ...IMPORT_OPTIONS, 'add-members': { type: 'boolean' } },
      { min: 1, max: 1, names: 'FILE' },
    )
    const file = positionals[0] ?? ''
    const project = projectOf(values.project)
    fileSize(file)
    const { importLabels } = await import('../import/import-labels')
    const { result, seconds } = await withOfflineContext(values['data-dir'], io, (ctx) =>
      runImport(io, file, (source, onProgress) =>
        importLabels(ctx, asProjectId(project), source, {
          onProgress,
          addMembers: values['add-members'] === true,
        }),
      ),
    )
    const added = result.membersAdded > 0 ? `, ${result.membersAdded} new members` : ''
    io.stdout.write(
      `Imported ${result.imported} labels of ${result.annotators} annotators into ` +
        `'${project}'${added} in ${seconds.toFixed(1)} s\n` +
        'A server running on this data directory sends them to connected clients within a second.\n',
    )
    return 0
  },
}
