import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { runCli } from '../apps/server/src/cli/run-cli'
import { connectProvider, labelsView, waitFor, waitSynced } from './helpers/clients'
import { readStoredDoc, storedUpdateCount } from './helpers/disk'
import { createFixture, type Fixture } from './helpers/project-fixture'
import { startServerProcess, tempDataDir, type ServerProcess } from './helpers/server-process'

const COMPACT_AFTER = 10

let server: ServerProcess
let fx: Fixture

beforeAll(async () => {
  server = await startServerProcess({
    env: { CONCORD_TEST_COMPACT_AFTER_UPDATES: String(COMPACT_AFTER) },
  })
  fx = await createFixture(server, { itemCount: 30, prefix: 'c' })
})
afterAll(async () => {
  await server?.stop()
})

it('a server compaction keeps the labels the CLI imported into the same open document', async () => {
  const annotator = fx.annotators[0]!
  const room = `labels/${fx.project}/${annotator.id}`
  const laptop = connectProvider(server.wsUrl, room, annotator.api.token)
  await waitSynced(laptop)
  const labels = laptop.doc.getMap('labels')
  const label = async (from: number, to: number): Promise<void> => {
    for (let i = from; i < to; i++) {
      labels.set(fx.items[i]!, { value: 'pos', at: 1 + i })
      // Apart, so that each edit is a commit and a row of its own.
      await new Promise((r) => setTimeout(r, 30))
    }
  }
  await label(0, 5)
  await waitFor(
    () => Object.keys(labelsView(readStoredDoc(server.dataDir, room))).length === 5,
    'five labels on disk',
  )

  // While the server holds the document open, the CLI appends to its log on disk.
  const dir = tempDataDir('concord-compaction-')
  const csv = join(dir, 'labels.csv')
  const imported = [20, 21, 22].map((i) => `ext-${i},${annotator.id},neg`)
  writeFileSync(csv, ['item,annotator,label', ...imported].join('\n') + '\n')
  let err = ''
  const code = await runCli(
    ['import', 'labels', csv, '--project', fx.project, '--data-dir', server.dataDir],
    {
      stdout: { write: () => true },
      stderr: { write: (s: string) => ((err += s), true) },
      env: {},
      now: () => performance.now(),
    },
  )
  expect(code, err).toBe(0)

  // The laptop's next edits take the server's log past the threshold: it compacts.
  const rowsBefore = storedUpdateCount(server.dataDir, room)
  await label(5, 5 + COMPACT_AFTER)
  await waitFor(
    () => storedUpdateCount(server.dataDir, room) < rowsBefore + COMPACT_AFTER - 1,
    'the server compacted the log',
  )
  await waitFor(
    () => Object.keys(labelsView(readStoredDoc(server.dataDir, room))).length === 18,
    'all labels on disk',
  )
  const stored = labelsView(readStoredDoc(server.dataDir, room))
  for (const i of [20, 21, 22]) expect(stored[fx.items[i]!]).toMatchObject({ value: 'neg' })
  for (let i = 0; i < 5 + COMPACT_AFTER; i++) {
    expect(stored[fx.items[i]!]).toMatchObject({ value: 'pos' })
  }
  laptop.destroy()
})
