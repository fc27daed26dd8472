import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { CliIo } from './cli-io'
import { COMMANDS, runCli } from './run-cli'

function memoryIo(): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout: { write: (s: string) => (io.out += s) },
    stderr: { write: (s: string) => (io.err += s) },
    env: {},
    now: () => 0,
  }
  return io
}

async function run(args: string[]) {
  const io = memoryIo()
  const code = await runCli(args, io)
  return { code, stdout: io.out, stderr: io.err }
}

describe('runCli usage errors', () => {
  const cases: [string[], RegExp][] = [
    [[], /^Usage: concord <command>/],
    [['frobnicate'], /^concord: unknown command 'frobnicate'\nRun 'concord --help' for usage\.\n$/],
    [
      ['user'],
      /^concord user: missing subcommand\nUsage: concord user <add\|list\|passwd\|disable\|enable\|revoke>/,
    ],
    [['user', 'remove'], /^concord user: unknown subcommand 'remove'/],
    [
      ['user', 'add'],
      /^concord user add: missing USERNAME\nRun 'concord user add --help' for usage/,
    ],
    [['user', 'list', '--bogus'], /^concord user list: unknown option '--bogus'/],
    [['user', 'add', 'x', 'y'], /^concord user add: unexpected argument 'y'/],
    [['user', 'add', 'x', '--name'], /^concord user add: option '--name <value>' argument missing/],
    [['user', 'add', 'bad name!'], /^concord user add: username: usernames use letters/],
    [['user', 'add', 'eve', '--password', 'short'], /passwords have at least 8 characters/],
    [
      ['user', 'add', 'eve', '--password', '          '],
      /password: a password cannot be only spaces/,
    ],
    [['user', 'add', 'eve', '--password', 'Password1'], /password: this is one of the most common/],
    [['user', 'passwd'], /^concord user passwd: missing USERNAME/],
    [
      ['user', 'passwd', 'eve', '--password', 'iloveyou'],
      /^concord user passwd: --password: this is one of the most common passwords/,
    ],
    [['user', 'disable'], /^concord user disable: missing USERNAME/],
    [['user', 'enable', 'a', 'b'], /^concord user enable: unexpected argument 'b'/],
    [['user', 'revoke', '--bogus'], /^concord user revoke: unknown option '--bogus'/],
    [['project', 'create', 'P'], /^concord project create: missing --labels/],
    [
      ['project', 'create', 'P', '--labels', 'only'],
      /--labels: a schema needs at least two labels/,
    ],
    [['project', 'create', 'P', '--labels', 'a,a'], /--labels: label 2: duplicate label id 'a'/],
    [
      ['project', 'create', 'P', '--labels', 'a,b', '--overlap', 'two'],
      /--overlap must be an integer from 1 to 50, got 'two'/,
    ],
    [
      ['project', 'create', 'P', '--labels', 'a,b', '--multi', '--ordered'],
      /--ordered: an ordinal scale is single-label/,
    ],
    [
      ['project', 'create', '!!!', '--labels', 'a,b'],
      /cannot make a project id from '!!!'; pass --id/,
    ],
    [
      ['project', 'create', 'P', '--labels', 'a,b', '--id', 'no/slash'],
      /^concord project create: id: /,
    ],
    [
      ['import', 'items', 'items.txt', '--project', 'p'],
      /cannot tell the format of 'items.txt'; pass --format csv or jsonl/,
    ],
    [
      ['import', 'items', 'x.csv', '--project', 'p', '--format', 'xml'],
      /--format must be csv or jsonl/,
    ],
    [['import', 'items', 'nope.csv', '--project', 'p'], /cannot read 'nope.csv': no such file/],
    [['import', 'items', 'x.csv'], /missing --project ID/],
    [['import', 'labels'], /^concord import labels: missing FILE/],
    [['serve', '--port', 'http'], /^concord serve: --port must be an integer from 0 to 65535/],
    [['serve', '--port', '70000'], /--port must be an integer from 0 to 65535, got '70000'/],
    [['serve', 'extra'], /^concord serve: unexpected argument 'extra'/],
    [
      ['user', 'list', '--data-dir', join(tmpdir(), 'concord-no-such-dir')],
      /^concord user list: no Concord database in .*concord-no-such-dir/,
    ],
  ]
  for (const [args, message] of cases) {
    it(`concord ${args.join(' ')}`, async () => {
      const result = await run(args)
      expect(result.code).toBe(2)
      expect(result.stderr).toMatch(message)
      expect(result.stdout).toBe('')
    })
  }
})

describe('runCli help', () => {
  it('lists every command', async () => {
    const { code, stdout } = await run(['--help'])
    expect(code).toBe(0)
    for (const c of COMMANDS) expect(stdout).toContain(`  ${c.name}`)
  })

  it('shows each command’s help, wherever --help is', async () => {
    for (const c of COMMANDS.filter((c) => !c.ownHelp)) {
      const result = await run([...c.name.split(' '), 'ARG', '--help'])
      expect(result.code, c.name).toBe(0)
      expect(result.stdout, c.name).toBe(c.help)
      expect(result.stdout, c.name).toMatch(new RegExp(`^Usage: concord ${c.name}`))
    }
  })

  it('does not take an argument after -- for --help', async () => {
    const result = await run(['user', 'add', '--', '--help'])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/username: usernames use letters/)
  })

  it('leaves --help of the agreement command to it', async () => {
    const result = await run(['agreement', '--help'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^Usage: concord agreement FILE\.csv/)
  })
})
