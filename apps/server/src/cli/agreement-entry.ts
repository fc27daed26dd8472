import type { CliCommand } from './cli-command'

/** `concord agreement`: the metrics command, loaded only when used. It handles its own --help. */
export const agreementEntry: CliCommand = {
  name: 'agreement',
  summary: 'agreement report for a CSV of item,annotator,label rows',
  help: "Usage: concord agreement FILE.csv [options] (see 'concord agreement --help')\n",
  ownHelp: true,
  async run(args, io) {
    const { agreementCommand } = await import('./agreement-command')
    return agreementCommand([...args], {
      stdout: (text) => io.stdout.write(text),
      stderr: (text) => io.stderr.write(text),
    })
  },
}
