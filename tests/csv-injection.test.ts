import { parseCsv } from '@concord/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, withModels } from '../apps/server/src/testing/test-app'
import { Api } from './helpers/api'
import { startServerProcess, type ServerProcess } from './helpers/server-process'

// Every CSV Concord serves neutralises spreadsheet formulas (OWASP "CSV Injection"): item ids,
// label ids and names and user names that start with = + - @ tab or CR reach each CSV through
// a real item import, a real label import and real accounts, and come out as text (a leading
// quote, the cell quoted); numbers Concord computes, negative ones included, stay numbers.

let server: ServerProcess
let admin: Api
const project = 'csv_p'

/** Every CSV route, with the calls that produce each of its files. */
const CSV_ROUTES: Record<string, readonly string[]> = {
  'GET /api/projects/:id/consensus.csv': [`/api/projects/${project}/consensus.csv`],
  'GET /api/projects/:id/agreement/:file': [
    'overall',
    'pairwise',
    'perLabel',
    'perAnnotator',
    'weekly',
  ].map((part) => `/api/projects/${project}/agreement/${part}.csv`),
}

const LABELS = [
  { id: '-neg', name: '=SUM(1+1)' },
  { id: 'pos', name: '@at' },
  { id: 'mid', name: '\t=tab' },
  { id: 'other', name: '\r=cr' },
  { id: '-1', name: '-1+2' },
  { id: 'plus', name: '+plus' },
]
const ITEM_IDS = ['=1+2', '+1', '-1+2', '@SUM(A1)', 'plain-1', 'plain-2', 'plain-3', 'plain-4']
const PEOPLE = [
  { username: 'csv_u1', displayName: '=HYPERLINK("http://evil.example","x")' },
  { username: 'csv_u2', displayName: '@ann' },
  { username: 'csv_u3', displayName: '-ann' },
]

const csvField = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)

beforeAll(async () => {
  server = await startServerProcess()
  admin = await Api.login(server.url, 'admin', 'admin-password')
  await admin.request('POST', '/api/projects', {
    id: project,
    name: 'CSV',
    labelSchema: { kind: 'single', ordered: false, labels: LABELS },
    overlap: 2,
    blind: true,
  })
  const items = ['id,text', ...ITEM_IDS.map((id, i) => `${csvField(id)},text ${i}`)]
  await admin.importItemsCsv(project, items.join('\n') + '\n')
  for (const person of PEOPLE) {
    const res = await admin.request<{ user: { id: string } }>('POST', '/api/users', {
      ...person,
      password: 'password-123',
    })
    await admin.addMember(project, res.user.id, 'annotator')
  }
  // u1 and u2 disagree on every item (a negative kappa between them); u3 agrees with u1.
  const a = ['-neg', 'pos', 'mid', 'other', '-1', 'plus', '-neg', 'pos']
  const b = ['pos', '-neg', '-neg', 'mid', 'plus', 'other', 'pos', '-neg']
  const rows = ['item,annotator,label']
  ITEM_IDS.forEach((item, i) => {
    rows.push(`${csvField(item)},csv_u1,${a[i]}`)
    rows.push(`${csvField(item)},csv_u2,${b[i]}`)
    if (i < 4) rows.push(`${csvField(item)},csv_u3,${a[i]}`)
  })
  await admin.request('POST', `/api/projects/${project}/labels/import`, rows.join('\n') + '\n')
})

afterAll(async () => {
  await server?.stop()
})

async function csv(path: string): Promise<{ text: string; cells: string[][] }> {
  const res = await fetch(`${server.url}${path}`, {
    headers: { authorization: `Bearer ${admin.token}` },
  })
  expect(res.status, path).toBe(200)
  expect(res.headers.get('content-type')).toContain('text/csv')
  const text = await res.text()
  return { text, cells: parseCsv(text).map((r) => r.fields) }
}

/** A number as Concord writes one (String(number)). */
const NUMBER = /^-?\d+(\.\d+)?(e[-+]\d+)?$/

describe('CSV exports neutralise formula cells', () => {
  it('covers every CSV route of the app', async () => {
    const t = await createTestApp()
    const { models, app } = withModels(t)
    try {
      const csvRoutes = app.routes
        .filter((r) => r.method === 'GET' && /csv|:file/.test(r.path))
        .map((r) => `${r.method} ${r.path}`)
      expect([...new Set(csvRoutes)].sort()).toEqual(Object.keys(CSV_ROUTES).sort())
    } finally {
      await models.close()
      await t.close()
    }
  })

  it('no cell of any CSV starts a formula, but numbers', async () => {
    for (const path of Object.values(CSV_ROUTES).flat()) {
      const { cells } = await csv(path)
      expect(cells.length, path).toBeGreaterThan(1)
      // The parser reads a CR inside a quoted cell as LF: look for both.
      const formulas = cells.flat().filter((c) => /^[=+\-@\t\r\n]/.test(c) && !NUMBER.test(c))
      expect(formulas, path).toEqual([])
    }
  })

  it('keeps what people wrote, as text, and negative numbers as numbers', async () => {
    const consensus = await csv(`/api/projects/${project}/consensus.csv`)
    const external = consensus.cells.slice(1).map((r) => r[1])
    expect(external).toEqual(ITEM_IDS.map((id) => (/^[=+\-@]/.test(id) ? `'${id}` : id)))
    // Raw: the neutralised cell is quoted.
    expect(consensus.text).toContain(`,"'=1+2",`)
    const labelCells = consensus.cells.slice(1).map((r) => r[2])
    expect(labelCells).toContain("'-neg")
    expect(consensus.cells.slice(1).some((r) => r[4]?.startsWith("'-neg:"))).toBe(true)

    const perLabel = await csv(`/api/projects/${project}/agreement/perLabel.csv`)
    const names = perLabel.cells.slice(1).map((r) => r[1])
    expect(names).toEqual(
      expect.arrayContaining(["'=SUM(1+1)", "'@at", "'\t=tab", "'-1+2", "'+plus"]),
    )
    expect(perLabel.text).toContain(`"'\r=cr"`)
    expect(perLabel.cells.slice(1).map((r) => r[0])).toEqual(
      expect.arrayContaining(["'-neg", "'-1"]),
    )

    const pairwise = await csv(`/api/projects/${project}/agreement/pairwise.csv`)
    const header = pairwise.cells[0]!
    const row = pairwise.cells.find((r) => r[1]?.startsWith("'=HYPERLINK") && r[3] === "'@ann")
    expect(row, pairwise.text).toBeDefined()
    const kappa = row![header.indexOf('kappa')]!
    expect(kappa).toMatch(NUMBER)
    expect(Number(kappa)).toBeLessThan(0)
    expect(pairwise.text).toContain(`,${kappa},`)

    const perAnnotator = await csv(`/api/projects/${project}/agreement/perAnnotator.csv`)
    expect(perAnnotator.cells.slice(1).map((r) => r[1])).toEqual(
      expect.arrayContaining(["'@ann", "'-ann"]),
    )
  })
})
