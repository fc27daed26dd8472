import {
  agreementOverTime,
  compileTable,
  fleissKappa,
  gwetAC1,
  krippendorffAlpha,
  pairwiseAgreement,
  percentAgreement,
  perAnnotatorAgreement,
  perLabelAgreement,
  type Annotation,
} from '@concord/metrics'
import { afterEach, describe, expect, it } from 'vitest'
import { agreementFixture, WEEK1, WEEK2 } from '../../agreement/test-fixture'
import { createTestApp, type TestApp } from '../../testing/test-app'

let t: TestApp | undefined
afterEach(async () => {
  await t?.close()
  t = undefined
})

async function setup() {
  t = await createTestApp()
  const f = await agreementFixture(t)
  const get = (query = '', token = f.rev.token) =>
    t!.request('GET', `/api/projects/agr/agreement${query}`, { token })
  return { app: t, ...f, get }
}

const table = (triples: Annotation[]) => compileTable(triples, { categories: ['a', 'b', 'c'] })
const close = (actual: number | null, expected: number) => {
  expect(actual).not.toBeNull()
  expect(actual as number).toBeCloseTo(expected, 12)
}

describe('GET /api/projects/:id/agreement', () => {
  it('gives the hand-computed coefficients, with intervals around them', async () => {
    const { get } = await setup()
    const res = await get()
    expect(res.status).toBe(200)
    const r = res.body
    expect(r.level).toBe('nominal')
    expect(r.counts).toEqual({ items: 6, annotators: 3, annotations: 17, pairableItems: 6 })
    // Coincidences o_aa 4, o_bb 3, o_cc 1, o_ab 2.5, o_ac 0.5, o_bc 1.5; n_a 7, n_b 7, n_c 3,
    // n 17: D_o = 9/17, D_e = 2 (49 + 21 + 21) / (17 · 16), alpha = 1 − D_o / D_e = 19/91.
    close(r.overall.alpha.value, 19 / 91)
    expect(r.overall.alpha.n).toBe(6)
    // Share of agreeing pairs per item: 1, 1/3, 0, 1, 0, 1/3; mean 4/9.
    close(r.overall.percent.value, 4 / 9)
    expect(r.overall.kappa.kind).toBe('fleiss')
    for (const c of ['alpha', 'kappa', 'ac1', 'percent']) {
      const { value, low, high } = r.overall[c]
      expect(low).toBeLessThanOrEqual(value + 1e-12)
      expect(high).toBeGreaterThanOrEqual(value - 1e-12)
    }
    // u0 and u1 share all six items and agree on e1, e4, e6.
    const names = r.pairwise.annotators.map((a: { name: string }) => a.name)
    const u0 = names.indexOf('u0')
    const u1 = names.indexOf('u1')
    expect(r.pairwise.shared[u0][u1]).toBe(6)
    expect(r.pairwise.kappa[u0][u0]).toBeNull()
    expect(r.weekly.map((w: { week: string }) => w.week)).toEqual(['2025-01-06', '2025-01-13'])
    expect(r.weekly.map((w: { annotations: number }) => w.annotations)).toEqual([9, 8])
  })

  it('equals packages/metrics on the same data, chart by chart', async () => {
    const { get, triples } = await setup()
    const r = (await get()).body
    const tb = table(triples)
    close(r.overall.alpha.value, krippendorffAlpha(tb).value)
    close(r.overall.kappa.value, fleissKappa(tb).value)
    close(r.overall.ac1.value, gwetAC1(tb).value)
    close(r.overall.percent.value, percentAgreement(tb).value)
    const pw = pairwiseAgreement(tb)
    const ids = r.pairwise.annotators.map((a: { id: string }) => a.id)
    expect(ids).toEqual(tb.annotators)
    const A = ids.length
    for (let a = 0; a < A; a++) {
      for (let b = 0; b < A; b++) {
        expect(r.pairwise.shared[a][b]).toBe(pw.shared[a * A + b])
        if (a !== b) close(r.pairwise.kappa[a][b], pw.kappa[a * A + b]!)
        if (a !== b) close(r.pairwise.alpha[a][b], pw.alpha[a * A + b]!)
      }
    }
    const pl = perLabelAgreement(tb)
    expect(r.perLabel.map((l: { label: string }) => l.label)).toEqual(['a', 'b', 'c'])
    r.perLabel.forEach(
      (l: { alpha: number; positiveAgreement: number; count: number; name: string }, i: number) => {
        close(l.alpha, pl[i]!.alpha.value)
        close(l.positiveAgreement, pl[i]!.positiveAgreement.value)
        expect(l.count).toBe(pl[i]!.used)
        expect(l.name).toBe(['A', 'B', 'C'][i])
      },
    )
    const pa = perAnnotatorAgreement(tb)
    r.perAnnotator.forEach((a: { id: string; agreement: number; items: number }, i: number) => {
      expect(a.id).toBe(pa[i]!.annotator)
      close(a.agreement, pa[i]!.agreement.value)
      expect(a.items).toBe(pa[i]!.compared)
    })
    const weeks = agreementOverTime(tb, { width: 7 * 86_400_000, origin: Date.UTC(2025, 0, 6) })
    r.weekly.forEach((w: { alpha: number; percent: number }, i: number) => {
      close(w.alpha, weeks[i]!.alpha.value)
      close(w.percent, weeks[i]!.agreement.value)
    })
  })

  it('filters by date range, annotator and label', async () => {
    const { get, triples, users, id } = await setup()
    const week2 = (await get(`?from=2025-01-13&to=${WEEK2 + 3_600_000}`)).body
    const only = (keep: (a: Annotation) => boolean) => table(triples.filter(keep))
    expect(week2.counts.items).toBe(3)
    close(week2.overall.alpha.value, krippendorffAlpha(only((a) => a.at! >= WEEK2)).value)
    const toWeek1 = (await get('?to=2025-01-07')).body
    expect(toWeek1.counts.annotations).toBe(9)
    expect(WEEK1).toBeLessThan(Date.UTC(2025, 0, 8))

    // Items u2 labelled (all their labels): e1-e4 and e6, not e5.
    const u2 = (await get(`?annotator=${users[2]!.id}`)).body
    expect(u2.counts.items).toBe(5)
    close(u2.overall.alpha.value, krippendorffAlpha(only((a) => a.item !== String(id.e5))).value)

    // Items where someone said c: e3 and e6.
    const c = (await get('?label=c')).body
    expect(c.counts.items).toBe(2)
    const ce = [String(id.e3), String(id.e6)]
    close(c.overall.alpha.value, krippendorffAlpha(only((a) => ce.includes(a.item))).value)
  })

  it('is live: a new label, a changed label and a removed label are all reflected', async () => {
    const { app, get, users, id, triples, project } = await setup()
    expect((await get()).body.counts.annotations).toBe(17)
    // u2 labels e5 'b'.
    await app.ctx.db
      .insertInto('annotations')
      .values({
        project_id: project.id,
        item_id: id.e5!,
        annotator_id: users[2]!.id,
        value: 'b',
        unsure: 0,
        note: '',
        updated_at: WEEK2,
      })
      .execute()
    let r = (await get()).body
    const added = [
      ...triples,
      { item: String(id.e5), annotator: users[2]!.id, value: 'b', at: WEEK2 },
    ]
    expect(r.counts.annotations).toBe(18)
    close(r.overall.alpha.value, krippendorffAlpha(table(added)).value)

    // The projection rewrites a label as delete + insert (SQLite reuses the top rowid).
    await app.ctx.db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom('annotations')
        .where('item_id', '=', id.e5!)
        .where('annotator_id', '=', users[2]!.id)
        .execute()
      await trx
        .insertInto('annotations')
        .values({
          project_id: project.id,
          item_id: id.e5!,
          annotator_id: users[2]!.id,
          value: 'a',
          unsure: 0,
          note: '',
          updated_at: WEEK2,
        })
        .execute()
    })
    r = (await get()).body
    const changed = [
      ...triples,
      { item: String(id.e5), annotator: users[2]!.id, value: 'a', at: WEEK2 },
    ]
    close(r.overall.alpha.value, krippendorffAlpha(table(changed)).value)

    // A label cleared elsewhere in the table: the count check reloads.
    await app.ctx.db
      .deleteFrom('annotations')
      .where('item_id', '=', id.e3!)
      .where('annotator_id', '=', users[0]!.id)
      .execute()
    r = (await get()).body
    const removed = changed.filter(
      (a) => !(a.item === String(id.e3) && a.annotator === users[0]!.id),
    )
    expect(r.counts.annotations).toBe(17)
    close(r.overall.alpha.value, krippendorffAlpha(table(removed)).value)
  })

  it('serves every chart as CSV with a header row', async () => {
    const { app, rev } = await setup()
    const json = (await app.request('GET', '/api/projects/agr/agreement', { token: rev.token }))
      .body
    for (const [part, header, rows] of [
      ['overall', 'coefficient,kind,value,low,high,n,reason', 4],
      ['pairwise', 'annotator_a,name_a,annotator_b,name_b,kappa,alpha,shared', 6],
      ['perLabel', 'label,name,alpha,positive_agreement,count,reason', 3],
      ['perAnnotator', 'annotator,name,agreement,items,rated,kappa,reason', 3],
      ['weekly', 'week,alpha,percent,annotations', 2],
    ] as const) {
      const res = await app.request('GET', `/api/projects/agr/agreement/${part}.csv`, {
        token: rev.token,
      })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toContain('text/csv')
      const lines = (res.body as string).trim().split('\r\n')
      expect(lines[0]).toBe(header)
      expect(lines).toHaveLength(rows + 1)
    }
    const overall = await app.request('GET', '/api/projects/agr/agreement/overall.csv', {
      token: rev.token,
    })
    expect((overall.body as string).split('\r\n')[1]).toContain(
      `alpha,nominal,${json.overall.alpha.value}`,
    )
    const missing = await app.request('GET', '/api/projects/agr/agreement/nope.csv', {
      token: rev.token,
    })
    expect(missing.status).toBe(404)
  })

  it('gives NaN cases as null with the reason', async () => {
    t = await createTestApp()
    await t.project({ id: 'empty' })
    const r = (await t.request('GET', '/api/projects/empty/agreement', { token: t.adminToken }))
      .body
    expect(r.overall.alpha).toEqual({
      value: null,
      low: null,
      high: null,
      reason: 'no pairable units (no item has two or more values)',
      n: 0,
    })
    expect(r.weekly).toEqual([])
  })

  it('needs the reviewer role and valid filters', async () => {
    const { get, users } = await setup()
    expect((await get('', users[0]!.token)).status).toBe(403)
    const bad = await get('?from=yesterday')
    expect(bad.status).toBe(400)
    expect(JSON.stringify(bad.body.error)).toContain('from')
  })
})
