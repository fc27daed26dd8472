import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import SQLite from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyPassword } from '../auth/passwords'
import { runCli } from './run-cli'

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url))
const CLI = join(ROOT, 'apps/server/src/cli.ts')
const LAUNCHER = join(ROOT, 'apps/server/bin/concord.mjs')

/** The environment without CONCORD_* settings of the machine running the tests. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) if (!/^(CONCORD_|PORT$)/.test(k)) env[k] = v
  return { ...env, ...extra }
}

interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

function concord(args: readonly string[], env = cleanEnv()): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      cwd: ROOT,
      env,
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/** Setup steps run in-process (the same code, without paying a process start each time). */
async function setup(...args: string[]): Promise<void> {
  let err = ''
  const io = {
    stdout: { write: () => true },
    stderr: { write: (s: string) => (err += s) },
    env: cleanEnv(),
    now: () => performance.now(),
  }
  const code = await runCli([...args, '--data-dir', dataDir], io)
  if (code !== 0) throw new Error(`setup ${args.join(' ')} failed: ${err}`)
}

/** Each test starts several Node processes; a loaded 2-core machine needs room. */
const SLOW = 180_000

let dir: string
let dataDir: string
const inData = (...args: string[]) => concord([...args, '--data-dir', dataDir])

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'concord-cli-'))
  dataDir = join(dir, 'data')
})
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

describe('concord', () => {
  it('prints help and rejects bad usage with exit code 2', { timeout: SLOW }, async () => {
    const help = await concord(['--help'])
    expect(help.code).toBe(0)
    for (const name of ['serve', 'user add', 'project create', 'import items', 'agreement']) {
      expect(help.stdout).toContain(name)
    }

    // The full table of usage errors runs in-process (run-cli.test.ts); here, the process's view.
    const cases: [string[], RegExp][] = [
      [[], /^Usage: concord <command>/],
      [['frobnicate'], /^concord: unknown command 'frobnicate'\nRun 'concord --help' for usage\./],
      [['user', 'add'], /^concord user add: missing USERNAME\nRun 'concord user add --help'/],
      [['serve', '--port', 'http'], /^concord serve: --port must be an integer from 0 to 65535/],
    ]
    const runs = await Promise.all(cases.map(([args]) => concord(args)))
    runs.forEach((run, i) => {
      const [args, message] = cases[i] ?? [[], /./]
      expect(run.code, args.join(' ')).toBe(2)
      expect(run.stderr, args.join(' ')).toMatch(message)
      expect(run.stdout, args.join(' ')).toBe('')
    })
  })

  it('prints each command’s help', { timeout: SLOW }, async () => {
    const runs = await Promise.all([
      concord(['serve', '--help']),
      concord(['user', 'add', '-h']),
      concord(['project', '--help']),
      concord(['import', 'labels', '--project', 'x', '--help']),
    ])
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 0])
    expect(runs[0]?.stdout).toMatch(/^Usage: concord serve .*--no-demo/)
    expect(runs[1]?.stdout).toMatch(/^Usage: concord user add USERNAME/)
    expect(runs[2]?.stdout).toMatch(/^Usage: concord project <create\|list>/)
    expect(runs[3]?.stdout).toMatch(
      /within a second the server sends them to whoever has those documents open/,
    )
  })

  it('adds and lists users', { timeout: SLOW }, async () => {
    const generated = await inData('user', 'add', 'ana', '--name', 'Ana Lyst')
    expect(generated.stderr).toBe('')
    expect(generated.code).toBe(0)
    expect(generated.stdout).toMatch(
      /^Created user 'ana' \(u_[a-z0-9]{12}\)\nPassword: [A-Za-z0-9]{16} {2}\(shown once\)\n$/,
    )

    const chosen = await inData('user', 'add', 'root', '--password', 'long enough', '--admin')
    expect(chosen.code).toBe(0)
    expect(chosen.stdout).toMatch(/^Created admin user 'root' \(u_[a-z0-9]{12}\)\n$/)

    const taken = await inData('user', 'add', 'ana')
    expect(taken.code).toBe(1)
    expect(taken.stderr).toBe("concord user add: the username 'ana' is taken\n")

    const list = await inData('user', 'list')
    expect(list.code).toBe(0)
    const lines = list.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^USERNAME +NAME +ADMIN +ID +CREATED +DISABLED$/)
    expect(lines[1]).toMatch(/^ana +Ana Lyst +u_\w+ +\d{4}-\d\d-\d\d$/)
    expect(lines[2]).toMatch(/^root +root +yes +u_\w+/)
    expect(lines).toHaveLength(3)
  })

  it('sets passwords, disables, enables and revokes sessions', { timeout: SLOW }, async () => {
    await setup('user', 'add', 'lena', '--password', 'first password')
    const file = join(dataDir, 'concord.db')
    const sessions = (n: number) => {
      const db = new SQLite(file)
      try {
        const { id } = db.prepare(`select id from users where username = 'lena'`).get() as {
          id: string
        }
        for (let i = 0; i < n; i++) {
          db.prepare(
            `insert into sessions (token_hash, user_id, created_at, expires_at) values (?, ?, 0, ?)`,
          ).run(`lena-session-${Math.random()}`, id, Date.now() + 3_600_000)
        }
      } finally {
        db.close()
      }
    }
    const row = () => {
      const db = new SQLite(file, { readonly: true })
      try {
        return db
          .prepare(
            `select u.password_hash as hash, u.disabled_at as disabledAt,
               (select count(*) from sessions s where s.user_id = u.id) as sessions
             from users u where u.username = 'lena'`,
          )
          .get() as { hash: string; disabledAt: number | null; sessions: number }
      } finally {
        db.close()
      }
    }

    sessions(2)
    const passwd = await inData('user', 'passwd', 'lena', '--password', 'second password')
    expect(passwd.stderr).toBe('')
    expect(passwd.code).toBe(0)
    expect(passwd.stdout).toBe("Set a new password for 'lena' and ended their sessions\n")
    expect(await verifyPassword('second password', row().hash)).toBe(true)
    expect(row().sessions).toBe(0)

    const common = await inData('user', 'passwd', 'lena', '--password', 'qwertyuiop')
    expect(common.code).toBe(2)
    expect(common.stderr).toMatch(/--password: this is one of the most common passwords/)
    expect(await verifyPassword('second password', row().hash)).toBe(true)

    const generated = await inData('user', 'passwd', 'lena')
    expect(generated.code).toBe(0)
    const password = /Password: ([A-Za-z0-9]{16}) {2}\(shown once\)/.exec(generated.stdout)?.[1]
    expect(await verifyPassword(password ?? '', row().hash)).toBe(true)

    sessions(3)
    const revoke = await inData('user', 'revoke', 'lena')
    expect(revoke.stdout).toBe("Ended 3 sessions of 'lena'\n")
    expect(row().sessions).toBe(0)

    sessions(1)
    const disable = await inData('user', 'disable', 'lena')
    expect(disable.code).toBe(0)
    expect(disable.stdout).toBe("Disabled 'lena' and ended their sessions\n")
    expect(row().disabledAt).toEqual(expect.any(Number))
    expect(row().sessions).toBe(0)
    const listed = await inData('user', 'list')
    expect(listed.stdout).toMatch(/\nlena +lena +u_\w+ +\d{4}-\d\d-\d\d +\d{4}-\d\d-\d\d\n/)

    const enable = await inData('user', 'enable', 'lena')
    expect(enable.stdout).toBe("Enabled 'lena'\n")
    expect(row().disabledAt).toBeNull()

    const unknown = await inData('user', 'disable', 'nobody')
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toBe("concord user disable: no user 'nobody'\n")
  })

  it('creates and lists projects, with a booklet for their labels', { timeout: SLOW }, async () => {
    const created = await inData(
      'project',
      'create',
      'Movie Reviews',
      '--labels',
      'neg:Negative, neu:Neutral, pos:Positive',
      '--ordered',
      '--overlap',
      '3',
    )
    expect(created.stderr).toBe('')
    expect(created.code).toBe(0)
    expect(created.stdout).toContain(
      "Created project 'movie-reviews' (Movie Reviews): ordinal, labels neg, neu, pos; overlap 3; blind",
    )
    const again = await inData('project', 'create', 'Movie Reviews', '--labels', 'a,b')
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/a project with id 'movie-reviews' exists/)

    const list = await inData('project', 'list')
    expect(list.code).toBe(0)
    expect(list.stdout).toMatch(
      /^ID +NAME +ITEMS +OVERLAP +LABELS\nmovie-reviews +Movie Reviews +0 +3 +ordinal: neg, neu, pos\n$/,
    )

    const db = new SQLite(join(dataDir, 'concord.db'), { readonly: true })
    try {
      const row = db
        .prepare(`select count(*) as n from doc_updates where doc = 'booklet/movie-reviews'`)
        .get() as { n: number }
      expect(row.n).toBeGreaterThan(0)
    } finally {
      db.close()
    }
  })

  it('imports items and labels from files', { timeout: SLOW }, async () => {
    await setup('project', 'create', 'Tiny', '--labels', 'yes,no', '--id', 'tiny')
    const items = join(dir, 'items.csv')
    writeFileSync(
      items,
      'id,text,source\nt1,first item,web\nt2,"second, with a comma",mail\nt3,third,web\n',
    )
    const imported = await inData('import', 'items', items, '--project', 'tiny')
    expect(imported.code).toBe(0)
    expect(imported.stdout).toMatch(/^Imported 3 items into 'tiny' in \d+\.\d s\n$/)
    // stderr is not a terminal here: one plain progress line at the end.
    expect(imported.stderr).toMatch(/^Reading items\.csv: \d+ B, 3 rows in \d+\.\d s/)

    const jsonl = join(dir, 'more.jsonl')
    writeFileSync(jsonl, '{"id":"t4","text":"fourth"}\n')
    await setup('import', 'items', jsonl, '--project', 'tiny')

    const duplicate = join(dir, 'dup.csv')
    writeFileSync(duplicate, 'id,text\nt9,a\nt9,b\n')
    const failed = await inData('import', 'items', duplicate, '--project', 'tiny')
    expect(failed.code).toBe(1)
    expect(failed.stderr).toMatch(
      /concord import items: line 3: the id 't9' is already used on line 2/,
    )

    await expect(setup('import', 'items', items, '--project', 'nope')).rejects.toThrow(
      /concord import items: no project 'nope'/,
    )

    const list = await inData('project', 'list')
    expect(list.stdout).toMatch(/tiny +Tiny +4 +2 +single: yes, no/)

    await setup('user', 'add', 'lee', '--password', 'lee-password-1')
    const labels = join(dir, 'labels.csv')
    writeFileSync(labels, 'item,annotator,label\nt1,lee,yes\nt2,lee,no\n')
    // lee is not a member: attributing labels to lee (and making lee a member) needs the flag.
    const refused = await inData('import', 'labels', labels, '--project', 'tiny')
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(
      /concord import labels: line 2: 'lee' is not a member of this project; add them/,
    )
    const labelled = await inData('import', 'labels', labels, '--project', 'tiny', '--add-members')
    expect(labelled.stderr).toMatch(/^Reading labels\.csv: /)
    expect(labelled.code).toBe(0)
    expect(labelled.stdout).toMatch(/^Imported 2 labels of 1 annotators into 'tiny', 1 new members/)

    const db = new SQLite(join(dataDir, 'concord.db'), { readonly: true })
    try {
      const rows = db
        .prepare(
          `select i.external_id as item, a.value from annotations a join items i on i.id = a.item_id
           where a.project_id = 'tiny' order by i.external_id`,
        )
        .all()
      expect(rows).toEqual([
        { item: 't1', value: 'yes' },
        { item: 't2', value: 'no' },
      ])
    } finally {
      db.close()
    }
  })

  it(
    'serves until SIGTERM, seeding the admin and the demo on first start',
    { timeout: SLOW },
    async () => {
      const serveDir = join(dir, 'serve')
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', CLI, 'serve', '--port', '0', '--data-dir', serveDir],
        { cwd: ROOT, env: cleanEnv({ CONCORD_ADMIN_PASSWORD: 'admin-password' }) },
      )
      let stderr = ''
      let stdout = ''
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve))
      const url = await new Promise<string>((resolve, reject) => {
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString()
          const m = /listening on (http:\/\/\S+)/.exec(stderr)
          if (m?.[1]) resolve(m[1])
        })
        child.on('close', () => reject(new Error(`serve exited early:\n${stdout}\n${stderr}`)))
      })
      try {
        expect(stdout).toContain("Created admin account 'admin'")
        const login = await fetch(`${url}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'admin', password: 'admin-password' }),
        })
        expect(login.status).toBe(200)
        const { token } = (await login.json()) as { token: string }
        const projects = (await (
          await fetch(`${url}/api/projects`, { headers: { authorization: `Bearer ${token}` } })
        ).json()) as { projects: { id: string; itemCount: number }[] }
        expect(projects.projects.map((p) => [p.id, p.itemCount])).toEqual([['demo', 300]])
      } finally {
        child.kill('SIGTERM')
      }
      expect(await exited).toBe(0)
      expect(stderr).toContain('SIGTERM: shutting down')
    },
  )

  it('runs through the bin launcher', { timeout: SLOW }, async () => {
    const viaBin = await new Promise<Run>((resolve, reject) => {
      const child = spawn(process.execPath, [LAUNCHER, 'project', 'list', '--data-dir', dataDir], {
        cwd: tmpdir(),
        env: cleanEnv(),
      })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
      child.on('error', reject)
      child.on('close', (code) => resolve({ code, stdout, stderr }))
    })
    expect(viaBin.stderr).toBe('')
    expect(viaBin.code).toBe(0)
    expect(viaBin.stdout).toMatch(/^ID +NAME/)
    const bad = await new Promise<number | null>((resolve) =>
      spawn(process.execPath, [LAUNCHER, 'nonsense'], { cwd: tmpdir(), env: cleanEnv() }).on(
        'close',
        resolve,
      ),
    )
    expect(bad).toBe(2)
  })
})
