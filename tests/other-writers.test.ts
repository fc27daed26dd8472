import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { labelsView, waitFor } from './helpers/clients'
import { readAnnotations, readStoredDoc } from './helpers/disk'
import { createFixture, openLabelsRoom, type Fixture } from './helpers/project-fixture'
import { startServerProcess, tempDataDir, type ServerProcess } from './helpers/server-process'

const root = resolve(import.meta.dirname, '..')

let server: ServerProcess
let fx: Fixture

beforeAll(async () => {
  server = await startServerProcess()
  fx = await createFixture(server, { itemCount: 5, prefix: 'ow' })
})
afterAll(async () => {
  await server?.stop()
})

/** The real CLI, as a second process writing to the server's data directory. */
function concord(args: readonly string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(root, 'apps/server/src/cli.ts'), ...args],
      { cwd: root, env: { ...process.env, CONCORD_DATA_DIR: '' } },
    )
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (out += d.toString()))
    child.on('error', fail)
    child.on('close', (code) => done({ code, out }))
  })
}

it('labels the CLI imports into an open document reach its peers live, and the projection', async () => {
  const annotator = fx.annotators[0]!
  const { room, owner: laptop, reviewer } = await openLabelsRoom(server, fx)
  // The room is loaded and being edited while the CLI writes to its log.
  laptop.doc.getMap('labels').set(fx.items[0]!, { value: 'pos', at: 1 })
  await waitFor(() => fx.items[0]! in labelsView(reviewer.doc), 'reviewer sees the live label')

  const csv = join(tempDataDir('concord-csv-'), 'labels.csv')
  writeFileSync(
    csv,
    `item,annotator,label\next-1,${annotator.id},neg\next-2,${annotator.id},neutral\n`,
  )
  const run = await concord([
    'import',
    'labels',
    csv,
    '--project',
    fx.project,
    '--data-dir',
    server.dataDir,
  ])
  expect(run.out).toMatch(/Imported 2 labels/)
  expect(run.code).toBe(0)

  // No reconnect: the server finds the rows in the log and sends them to both peers.
  const values = (doc: typeof laptop.doc) =>
    Object.fromEntries(
      Object.entries(labelsView(doc)).map(([k, v]) => [k, (v as { value: string }).value]),
    )
  const expected = { [fx.items[0]!]: 'pos', [fx.items[1]!]: 'neg', [fx.items[2]!]: 'neutral' }
  await waitFor(() => Object.keys(labelsView(laptop.doc)).length === 3, 'the annotator sees them')
  await waitFor(() => Object.keys(labelsView(reviewer.doc)).length === 3, 'the reviewer sees them')
  expect([values(laptop.doc), values(reviewer.doc)]).toEqual([expected, expected])

  // Editing goes on over the merged document; all of it is on disk and projected.
  laptop.doc.getMap('labels').set(fx.items[2]!, { value: 'pos', at: 2 })
  await waitFor(() => values(reviewer.doc)[fx.items[2]!] === 'pos', 'reviewer sees the change')
  laptop.destroy()
  reviewer.destroy()
  const final = { ...expected, [fx.items[2]!]: 'pos' }
  await waitFor(() => {
    const stored = readStoredDoc(server.dataDir, room)
    return JSON.stringify(values(stored)) === JSON.stringify(final)
  }, 'merged document on disk')
  const rows = readAnnotations(server.dataDir, fx.project)
  expect(Object.fromEntries(rows.map((r) => [String(r.item_id), r.value]))).toEqual(final)
})
