import { ConcordError, toCsv, type CsvValue } from '@concord/core'
import { Hono, type Context } from 'hono'
import type { ServerContext } from '../../context'
import {
  computeAgreement,
  currentStore,
  userNames,
  type AgreementResponse,
} from '../../agreement/agreement-service'
import { agreementQuery, filterOf } from '../../agreement/query'
import type { AppEnv } from '../app-env'
import { requireProject } from '../project-access'
import { readQuery } from '../read-input'
import { requireUser } from '../require-user'

const PARTS = ['overall', 'pairwise', 'perLabel', 'perAnnotator', 'weekly'] as const
type Part = (typeof PARTS)[number]

/**
 * The agreement dashboard (reviewers and admins): GET .../agreement (JSON) and
 * GET .../agreement/<part>.csv for each chart. Filters: label, annotator (comma-separated),
 * from, to (ISO dates or epoch ms).
 */
export function agreementRoutes(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.use(requireUser(ctx))

  const load = async (c: Context<AppEnv>) => {
    const { project } = await requireProject(ctx, c.var.user, c.req.param('id') ?? '', 'reviewer')
    const filter = filterOf(readQuery(c, agreementQuery))
    const store = await currentStore(ctx.db, project.id)
    const names = await userNames(ctx.db, store.annotators)
    return computeAgreement(store, project, filter, names, ctx.clock.now())
  }

  app.get('/:id/agreement', async (c) => c.json(await load(c)))

  app.get('/:id/agreement/:file', async (c) => {
    const file = c.req.param('file')
    const part = file.endsWith('.csv') ? (file.slice(0, -4) as Part) : undefined
    if (part === undefined || !PARTS.includes(part)) {
      throw new ConcordError(
        'not_found',
        `no agreement export '${file.slice(0, 64)}'; expected one of ${PARTS.map((p) => `${p}.csv`).join(', ')}`,
      )
    }
    const body = agreementCsv(await load(c), part)
    return c.body(body, 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="agreement-${part}.csv"`,
    })
  })
  return app
}

/** One chart of the agreement response as CSV, with a header row. */
export function agreementCsv(r: AgreementResponse, part: Part): string {
  switch (part) {
    case 'overall':
      return toCsv(
        ['coefficient', 'kind', 'value', 'low', 'high', 'n', 'reason'],
        (['alpha', 'kappa', 'ac1', 'percent'] as const).map((name) => {
          const c = r.overall[name]
          const kind = name === 'kappa' ? r.overall.kappa.kind : name === 'alpha' ? r.level : ''
          return [name, kind, c.value, c.low, c.high, c.n, c.reason]
        }),
      )
    case 'pairwise': {
      const rows: CsvValue[][] = []
      const a = r.pairwise.annotators
      for (let i = 0; i < a.length; i++) {
        for (let j = 0; j < a.length; j++) {
          if (i === j) continue
          rows.push([
            a[i]!.id,
            a[i]!.name,
            a[j]!.id,
            a[j]!.name,
            r.pairwise.kappa[i]![j],
            r.pairwise.alpha[i]![j],
            r.pairwise.shared[i]![j],
          ])
        }
      }
      return toCsv(
        ['annotator_a', 'name_a', 'annotator_b', 'name_b', 'kappa', 'alpha', 'shared'],
        rows,
      )
    }
    case 'perLabel':
      return toCsv(
        ['label', 'name', 'alpha', 'positive_agreement', 'count', 'reason'],
        r.perLabel.map((l) => [l.label, l.name, l.alpha, l.positiveAgreement, l.count, l.reason]),
      )
    case 'perAnnotator':
      return toCsv(
        ['annotator', 'name', 'agreement', 'items', 'rated', 'kappa', 'reason'],
        r.perAnnotator.map((a) => [a.id, a.name, a.agreement, a.items, a.rated, a.kappa, a.reason]),
      )
    case 'weekly':
      return toCsv(
        ['week', 'alpha', 'percent', 'annotations'],
        r.weekly.map((w) => [w.week, w.alpha, w.percent, w.annotations]),
      )
  }
}
