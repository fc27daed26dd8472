import { resolveOptions, type OptionOverrides } from '../options'
import type { CliCommand } from './cli-command'
import { integerOption, parseCommandArgs } from './parse-command-args'
import { UsageError } from './usage-error'

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'start the server (what `npm start` runs)',
  help: `Usage: concord serve [--host H] [--port P] [--data-dir D] [--no-demo] [--max-frame-bytes N]
                     [--public-url URL]

Serves the REST API, the WebSocket sync and the web app on one port. On first start it creates
the admin account (and prints its password once) and the demo project.

  --host H               interface to listen on (default 127.0.0.1; $CONCORD_HOST)
  --port P               port, 0 for any free one (default 8080; $CONCORD_PORT or $PORT)
  --data-dir D           directory of the SQLite database (default ./.data; $CONCORD_DATA_DIR)
  --no-demo              do not create the demo project ($CONCORD_SEED_DEMO=0)
  --max-frame-bytes N    largest WebSocket frame accepted (default 1048576)
  --public-url URL       the address people open, e.g. https://concord.example.org behind a
                         TLS proxy: https makes the session cookie Secure ($CONCORD_PUBLIC_URL)

Environment: CONCORD_ADMIN_PASSWORD sets the first admin's password, CONCORD_DEMO_PASSWORD the
demo accounts' password; otherwise they are generated and printed once. Stop with Ctrl-C.
`,
  async run(args, io) {
    const { values } = parseCommandArgs(
      args,
      {
        host: { type: 'string' },
        port: { type: 'string' },
        'data-dir': { type: 'string' },
        'no-demo': { type: 'boolean' },
        'max-frame-bytes': { type: 'string' },
        'public-url': { type: 'string' },
      },
      { min: 0, max: 0, names: '' },
    )
    const overrides: OptionOverrides = {
      ...(values.host !== undefined && { host: values.host }),
      ...(values.port !== undefined && { port: integerOption(values.port, 'port', 0, 65535) }),
      ...(values['data-dir'] !== undefined && { dataDir: values['data-dir'] }),
      ...(values['no-demo'] && { seedDemo: false }),
      ...(values['public-url'] !== undefined && { publicUrl: values['public-url'] }),
      ...(values['max-frame-bytes'] !== undefined && {
        maxFrameBytes: integerOption(values['max-frame-bytes'], 'max-frame-bytes', 1024, 2 ** 30),
      }),
    }
    let options
    try {
      options = resolveOptions(overrides, io.env)
    } catch (err) {
      throw new UsageError(err instanceof Error ? err.message : String(err))
    }

    const { startServer } = await import('../server')
    const server = await startServer(options)

    // The first Ctrl-C closes cleanly (every change is already durable); a second one exits now.
    await new Promise<void>((resolve) => {
      let stopping = false
      const stop = (signal: NodeJS.Signals) => {
        if (stopping) {
          io.stderr.write(`${signal} again: exiting without waiting\n`)
          process.exit(130)
        }
        stopping = true
        io.stderr.write(`${signal}: shutting down\n`)
        server.close().then(resolve, (err: unknown) => {
          io.stderr.write(`error while shutting down: ${String(err)}\n`)
          resolve()
        })
      }
      process.on('SIGINT', stop)
      process.on('SIGTERM', stop)
    })
    return 0
  },
}
