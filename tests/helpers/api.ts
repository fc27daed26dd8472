/** A small REST client for test setup: log in, create users and projects, add members. */
export class Api {
  constructor(
    readonly baseUrl: string,
    readonly token: string,
  ) {}

  static async login(baseUrl: string, username: string, password: string): Promise<Api> {
    const res = await fetch(`${baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    })
    if (!res.ok) throw new Error(`login ${username}: ${res.status} ${await res.text()}`)
    const body = (await res.json()) as { token: string }
    return new Api(baseUrl, body.token)
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(typeof body === 'string' ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    })
    const text = await res.text()
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`)
    return (text ? JSON.parse(text) : undefined) as T
  }

  async createUser(username: string, password = 'password-123'): Promise<{ id: string; api: Api }> {
    const res = await this.request<{ user?: { id: string }; id?: string }>('POST', '/api/users', {
      username,
      displayName: username,
      password,
    })
    const id = res.user?.id ?? res.id
    if (!id) throw new Error(`no user id in ${JSON.stringify(res)}`)
    return { id, api: await Api.login(this.baseUrl, username, password) }
  }

  async createProject(input: {
    id?: string
    name: string
    labels: string[]
    overlap?: number
    blind?: boolean
    annotatorsEditBooklet?: boolean
  }): Promise<string> {
    const res = await this.request<{ project?: { id: string }; id?: string }>(
      'POST',
      '/api/projects',
      {
        id: input.id,
        name: input.name,
        labelSchema: {
          kind: 'single',
          ordered: false,
          labels: input.labels.map((l) => ({ id: l, name: l })),
        },
        overlap: input.overlap ?? 2,
        blind: input.blind ?? true,
        annotatorsEditBooklet: input.annotatorsEditBooklet ?? false,
      },
    )
    const id = res.project?.id ?? res.id
    if (!id) throw new Error(`no project id in ${JSON.stringify(res)}`)
    return id
  }

  async addMember(project: string, userId: string, role: string): Promise<void> {
    await this.request('PUT', `/api/projects/${project}/members/${userId}`, { role })
  }

  async importItemsCsv(project: string, csv: string): Promise<void> {
    await this.request('POST', `/api/projects/${project}/items/import?format=csv`, csv)
  }

  async items(project: string): Promise<Array<{ id: string | number; externalId: string }>> {
    const res = await this.request<{ items: Array<{ id: string | number; externalId: string }> }>(
      'GET',
      `/api/projects/${project}/items?limit=1000`,
    )
    return res.items
  }
}
