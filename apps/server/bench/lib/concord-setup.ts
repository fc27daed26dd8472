// Concord rooms must belong to an existing project and every connection needs a session: log in
// as the admin through the REST API and create the projects the load will use.
import { Api } from '../../../../tests/helpers/api'
import type { ServerHandle } from './servers'

export const ADMIN_PASSWORD = 'bench-admin-password'

export async function adminApi(server: ServerHandle): Promise<Api> {
  return Api.login(server.url, 'admin', process.env.CONCORD_ADMIN_PASSWORD ?? ADMIN_PASSWORD)
}

/** Creates projects `<prefix>0 … <prefix><count-1>` (ids chosen by us, so rooms are predictable). */
export async function createProjects(
  api: Api,
  prefix: string,
  count: number,
  concurrency = 8,
): Promise<void> {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++
      const want = `${prefix}${i}`
      const got = await api.createProject({ id: want, name: `bench ${want}`, labels: ['a', 'b'] })
      if (got !== want) {
        throw new Error(`asked for project id '${want}', the server created '${got}'`)
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker))
}
