import type { WebsocketProvider } from 'y-websocket'
import { Api } from './api'
import { connectProvider, waitSynced } from './clients'
import type { ServerProcess } from './server-process'

export interface Fixture {
  admin: Api
  project: string
  /** Item ids as the labels documents key them. */
  items: string[]
  annotators: Array<{ id: string; api: Api }>
  reviewer: { id: string; api: Api }
}

/** A project with `itemCount` items, a reviewer and `annotatorCount` annotators. */
export async function createFixture(
  server: ServerProcess,
  opts: { itemCount?: number; annotatorCount?: number; blind?: boolean; prefix?: string } = {},
): Promise<Fixture> {
  const admin = await Api.login(server.url, 'admin', 'admin-password')
  const prefix = opts.prefix ?? 'p'
  const project = await admin.createProject({
    id: `${prefix}_proj`,
    name: 'Test project',
    labels: ['pos', 'neg', 'neutral'],
    overlap: 2,
    blind: opts.blind ?? true,
  })
  const rows = ['id,text']
  for (let i = 0; i < (opts.itemCount ?? 20); i++) rows.push(`ext-${i},"Item text ${i}"`)
  await admin.importItemsCsv(project, rows.join('\n') + '\n')
  const items = (await admin.items(project)).map((i) => String(i.id))
  const annotators = []
  for (let i = 0; i < (opts.annotatorCount ?? 2); i++) {
    const user = await admin.createUser(`${prefix}_ann${i}`)
    await admin.addMember(project, user.id, 'annotator')
    annotators.push(user)
  }
  const reviewer = await admin.createUser(`${prefix}_rev`)
  await admin.addMember(project, reviewer.id, 'reviewer')
  return { admin, project, items, annotators, reviewer }
}

/**
 * The first annotator's labels document, open in two official clients: the annotator's own
 * (`owner`) and the reviewer's, both synced.
 */
export async function openLabelsRoom(
  server: ServerProcess,
  fx: Fixture,
): Promise<{ room: string; owner: WebsocketProvider; reviewer: WebsocketProvider }> {
  const annotator = fx.annotators[0]!
  const room = `labels/${fx.project}/${annotator.id}`
  const owner = connectProvider(server.wsUrl, room, annotator.api.token)
  const reviewer = connectProvider(server.wsUrl, room, fx.reviewer.api.token)
  await Promise.all([waitSynced(owner), waitSynced(reviewer)])
  return { room, owner, reviewer }
}
