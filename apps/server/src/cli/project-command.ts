import {
  bookletForLabels,
  isBookletDocEmpty,
  labelSchemaSchema,
  projectCreateSchema,
  writeBookletToDoc,
} from '@concord/core'
import type { CliCommand } from './cli-command'
import { formatTable } from './format-table'
import { DATA_DIR_HELP, DATA_DIR_OPTION, withOfflineContext } from './offline-context'
import { integerOption, parseCommandArgs } from './parse-command-args'
import { UsageError } from './usage-error'
import { firstIssue } from './user-command'

/** A project id from its name: `Email triage` -> `email-triage`. */
export function projectIdFromName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '')
}

/** `spam,ham` or `pos:Positive,neg:Negative` -> label definitions. */
export function parseLabelList(list: string): { id: string; name: string }[] {
  return list
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const colon = part.indexOf(':')
      if (colon < 0) return { id: part, name: part }
      const id = part.slice(0, colon).trim()
      return { id, name: part.slice(colon + 1).trim() || id }
    })
}

export const projectCreateCommand: CliCommand = {
  name: 'project create',
  summary: 'create a project with its label schema',
  help: `Usage: concord project create NAME --labels a,b,c [--multi] [--ordered] [--overlap K]
                              [--id ID] [--description TEXT] [--data-dir D]

Creates a project and starts its booklet with one entry per label.

  --labels LIST   label ids, comma-separated; 'id:Name' gives a label a display name
                  (e.g. --labels 'pos:Positive,neu:Neutral,neg:Negative')
  --multi         each item may get several labels (default: exactly one)
  --ordered       the labels are an ordinal scale, in the order given (single-label only)
  --overlap K     how many annotators label each item (default 2)
  --id ID         the project id (default: from the name, e.g. 'Email triage' -> email-triage)
  --description TEXT
  --open          annotators see each other's labels (default: blind)
${DATA_DIR_HELP}
`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(
      args,
      {
        labels: { type: 'string' },
        multi: { type: 'boolean' },
        ordered: { type: 'boolean' },
        overlap: { type: 'string' },
        id: { type: 'string' },
        description: { type: 'string' },
        open: { type: 'boolean' },
        ...DATA_DIR_OPTION,
      },
      { min: 1, max: 1, names: 'NAME' },
    )
    const name = (positionals[0] ?? '').trim()
    if (values.labels === undefined) throw new UsageError('missing --labels (e.g. --labels a,b,c)')
    const schema = labelSchemaSchema.safeParse({
      kind: values.multi ? 'multi' : 'single',
      ordered: values.ordered ?? false,
      labels: parseLabelList(values.labels),
    })
    if (!schema.success) {
      const issue = schema.error.issues[0]
      const [where, index] = issue?.path ?? []
      const label = where === 'labels' && typeof index === 'number' ? ` label ${index + 1}:` : ''
      const flag = where === 'ordered' ? '--ordered' : '--labels'
      throw new UsageError(`${flag}:${label} ${issue?.message ?? 'invalid'}`)
    }
    const id = values.id ?? projectIdFromName(name)
    if (id === '') throw new UsageError(`cannot make a project id from '${name}'; pass --id`)
    const input = projectCreateSchema.safeParse({
      id,
      name,
      description: values.description ?? '',
      labelSchema: schema.data,
      overlap: integerOption(values.overlap, 'overlap', 1, 50) ?? 2,
      blind: !values.open,
    })
    if (!input.success) throw new UsageError(firstIssue(input.error))

    const { createProject } = await import('../repos/projects')
    const project = await withOfflineContext(values['data-dir'], io, async (ctx) => {
      const created = await createProject(ctx.db, input.data, ctx.clock)
      await ctx.docs.change(`booklet/${created.id}`, (doc) => {
        if (isBookletDocEmpty(doc)) {
          writeBookletToDoc(doc, bookletForLabels(created.name, created.labelSchema.labels))
        }
      })
      return created
    })
    const s = project.labelSchema
    const kind = s.kind === 'multi' ? 'multi-label' : s.ordered ? 'ordinal' : 'single-label'
    io.stdout.write(
      `Created project '${project.id}' (${project.name}): ${kind}, labels ` +
        `${s.labels.map((l) => l.id).join(', ')}; overlap ${project.overlap}; ` +
        `${project.blind ? 'blind' : 'open'}\n` +
        `Import its items with: concord import items FILE --project ${project.id}\n`,
    )
    return 0
  },
}

export const projectListCommand: CliCommand = {
  name: 'project list',
  summary: 'list projects',
  help: `Usage: concord project list [--data-dir D]

Lists every project with its labels and item count.

${DATA_DIR_HELP}
`,
  async run(args, io) {
    const { values } = parseCommandArgs(args, { ...DATA_DIR_OPTION }, { min: 0, max: 0, names: '' })
    const rows = await withOfflineContext(
      values['data-dir'],
      io,
      (ctx) =>
        ctx.db
          .selectFrom('projects')
          .select([
            'id',
            'name',
            'label_schema',
            'overlap',
            (eb) =>
              eb
                .selectFrom('items')
                .select((count) => count.fn.countAll<number>().as('n'))
                .whereRef('items.project_id', '=', 'projects.id')
                .as('items'),
          ])
          .orderBy('created_at')
          .orderBy('id')
          .execute(),
      { mustExist: true },
    )
    if (rows.length === 0) {
      io.stdout.write('No projects.\n')
      return 0
    }
    io.stdout.write(
      formatTable(
        ['ID', 'NAME', 'ITEMS', 'OVERLAP', 'LABELS'],
        rows.map((r) => {
          const schema = labelSchemaSchema.safeParse(JSON.parse(r.label_schema))
          const labels = schema.success
            ? `${schema.data.kind === 'multi' ? 'multi' : schema.data.ordered ? 'ordinal' : 'single'}: ` +
              schema.data.labels.map((l) => l.id).join(', ')
            : '(unreadable schema)'
          return [r.id, r.name, String(r.items ?? 0), String(r.overlap), labels]
        }),
      ),
    )
    return 0
  },
}
