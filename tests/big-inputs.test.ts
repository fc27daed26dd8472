import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { MAX_MODEL_BYTES } from '../apps/server/src/http/routes/model-routes'
import { Api } from './helpers/api'
import { startServerProcess, type ServerProcess } from './helpers/server-process'

// Big inputs must not block everyone else: an import gives way to other requests while it
// reads and writes, a file with thousands of columns is refused at its first line, and a model
// upload goes to disk as it arrives and is refused as soon as it passes its limit. Memory is
// read from the server process itself (/proc/<pid>/status).

let server: ServerProcess
let admin: Api
let project: string

beforeAll(async () => {
  server = await startServerProcess()
  admin = await Api.login(server.url, 'admin', 'admin-password')
  project = await admin.createProject({ name: 'Big', labels: ['a', 'b'], overlap: 1 })
})

afterAll(async () => {
  await server?.stop()
})

/** The server's resident memory now and at its peak since the last resetPeak, in bytes. */
function memory(): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${server.child.pid}/status`, 'utf8')
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)![1])
  return { rss: kb('VmRSS') * 1024, peak: kb('VmHWM') * 1024 }
}

/**
 * Runs `work` while polling /api/health, and returns with its result the CPU time of the
 * server's event loop that each answer waited for.
 */
async function whilePolling<T>(work: () => Promise<T>): Promise<{ result: T; waits: number[] }> {
  let working = true
  const waits: number[] = []
  const poll = async (): Promise<void> => {
    while (working) {
      const before = eventLoopCpuMs()
      const res = await fetch(`${server.url}/api/health`)
      await res.json()
      waits.push(eventLoopCpuMs() - before)
      await new Promise((r) => setTimeout(r, 5))
    }
  }
  const polling = poll()
  try {
    return { result: await work(), waits }
  } finally {
    working = false
    await polling
  }
}

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100

/** CPU time (user + system) the server's main thread, its event loop, has used, in ms. */
function eventLoopCpuMs(): number {
  const pid = server.child.pid!
  const stat = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8')
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const ticks = Number(fields[11]) + Number(fields[12])
  return (ticks * 1000) / TICKS_PER_SECOND
}

/** Starts the peak (VmHWM) over from the current resident memory (Linux clear_refs). */
function resetPeak(): void {
  writeFileSync(`/proc/${server.child.pid}/clear_refs`, '5')
}

/**
 * Sends a request whose body is written chunk by chunk (chunked, no Content-Length), and stops
 * writing as soon as the answer comes: a server that refuses early is heard, whatever is left
 * to send.
 */
function streamRequest(
  path: string,
  headers: Record<string, string>,
  chunks: Iterable<Uint8Array>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    let answered = false
    const req = request(
      `${server.url}${path}`,
      { method: 'POST', headers: { authorization: `Bearer ${admin.token}`, ...headers } },
      (res) => {
        answered = true
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (d: string) => (body += d))
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body })
          req.destroy()
        })
      },
    )
    // Once the server has answered, the rest of the body may be cut off: that is expected.
    req.on('error', (err) => {
      if (!answered) reject(err)
    })
    const write = async (): Promise<void> => {
      for (const chunk of chunks) {
        if (answered || req.destroyed) return
        if (!req.write(chunk)) await new Promise<void>((r) => req.once('drain', () => r()))
      }
      req.end()
    }
    write().catch((err: unknown) => {
      if (!answered) reject(err instanceof Error ? err : new Error(String(err)))
    })
  })
}

it('streams a model upload to disk and refuses it once it passes the limit, without holding it in memory', async () => {
  const boundary = 'concordboundary7d1f'
  const size = MAX_MODEL_BYTES + 16 * 1024 * 1024
  const filler = new Uint8Array(1024 * 1024).fill(7)
  function* body(): Generator<Uint8Array> {
    yield Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="manifest"\r\n\r\n{"name":"big"}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="model"; filename="big.onnx"\r\n` +
        `Content-Type: application/octet-stream\r\n\r\n`,
    )
    for (let sent = 0; sent < size; sent += filler.length) yield filler
    yield Buffer.from(`\r\n--${boundary}--\r\n`)
  }
  resetPeak()
  const before = memory()
  const res = await streamRequest(
    `/api/projects/${project}/models`,
    { 'content-type': `multipart/form-data; boundary=${boundary}` },
    body(),
  )
  expect(res.status).toBe(413)
  expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'too_large' } })
  // 216 MB were sent; the server's peak memory grew by a small fraction of that.
  const grown = memory().peak - before.rss
  expect(grown).toBeLessThan(48 * 1024 * 1024)
  // Nothing of the upload is left on disk.
  expect(readdirSync(server.dataDir).filter((f) => f.startsWith('.upload-'))).toEqual([])
  const models = await admin.request<{ models: unknown[] }>(
    'GET',
    `/api/projects/${project}/models`,
  )
  expect(models.models).toEqual([])
}, 120_000)

it('refuses a CSV with 10,000 columns at its first line, without reading it into memory', async () => {
  const columns = 10_000
  const header = Buffer.from(
    ['id', 'text', ...Array.from({ length: columns - 2 }, (_, i) => `c${i}`)].join(',') + '\n',
  )
  const row = (i: number) =>
    Buffer.from(
      [`w-${i}`, 'some text', ...Array<string>(columns - 2).fill('12345')].join(',') + '\n',
    )
  function* file(): Generator<Uint8Array> {
    yield header
    for (let i = 0; i < 600; i++) yield row(i)
  }
  resetPeak()
  const before = memory()
  const res = await streamRequest(
    `/api/projects/${project}/items/import?format=csv`,
    { 'content-type': 'text/csv' },
    file(),
  )
  expect(res.status).toBe(422)
  const body = JSON.parse(res.body) as { error: { code: string; message: string } }
  expect(body.error.code).toBe('invalid_import')
  expect(body.error.message).toBe(
    'line 1: this record has more than 1000 fields; Concord reads at most 1000 columns',
  )
  // The file is 36 MB of 600 rows of 10,000 fields.
  expect(memory().peak - before.rss).toBeLessThan(48 * 1024 * 1024)
  expect(await admin.items(project)).toEqual([])
}, 120_000)

it('an import of 20 MB does not stall /api/health over 100 ms', async () => {
  // 100,000 rows of about 220 bytes: the kind of file that stalled every request for seconds.
  const rows = 100_000
  const lines = ['id,text,source,score']
  const words = 'the annotator reads each item and picks the label that fits it best'.split(' ')
  for (let i = 0; i < rows; i++) {
    const text = Array.from({ length: 36 }, (_, w) => words[(i + w * 7) % words.length]).join(' ')
    lines.push(`s-${i},"${text} ${i}",import-${i % 17},${(i % 1000) / 10}`)
  }
  const csv = Buffer.from(lines.join('\n') + '\n')
  expect(csv.byteLength).toBeGreaterThan(20 * 1024 * 1024)

  // What a stalled event loop costs another request is the server's own work done before it
  // gets its answer, and that is what is measured: the CPU time of the server's main thread
  // (the event loop) while each /api/health request waits. Wall-clock time would also count
  // the other processes of a busy machine; this is the same on a quiet one and in CI.
  const { result: res, waits } = await whilePolling(() =>
    fetch(`${server.url}/api/projects/${project}/items/import?format=csv`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'text/csv' },
      body: csv,
    }),
  )
  const result = (await res.json()) as { imported: number }
  expect(res.status).toBe(200)
  expect(result.imported).toBe(rows)
  // No answer waited for the import, and the import spanned many answers.
  expect(Math.max(...waits)).toBeLessThan(100)
  expect(waits.length).toBeGreaterThan(10)
}, 120_000)

it('a label import of 60,000 labels does not stall /api/health over 100 ms', async () => {
  // The items of the import above, labelled by one member in one file.
  const lines = ['item,annotator,label']
  for (let i = 0; i < 60_000; i++) lines.push(`s-${i},admin,${i % 3 === 0 ? 'a' : 'b'}`)
  const { result: res, waits } = await whilePolling(() =>
    fetch(`${server.url}/api/projects/${project}/labels/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'text/csv' },
      body: lines.join('\n') + '\n',
    }),
  )
  expect(res.status).toBe(200)
  expect(await res.json()).toMatchObject({ imported: 60_000, annotators: 1 })
  expect(Math.max(...waits)).toBeLessThan(100)
  expect(waits.length).toBeGreaterThan(10)
}, 120_000)
