/** Structured enough to grep, plain enough to read. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

function line(level: string, message: string, fields?: Record<string, unknown>): string {
  const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : ''
  return `${new Date().toISOString()} ${level} ${message}${extra}\n`
}

export function createLogger(quiet: boolean): Logger {
  const write = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    if (!quiet || level === 'ERROR') process.stderr.write(line(level, message, fields))
  }
  return { info: write('INFO'), warn: write('WARN'), error: write('ERROR') }
}

/** Keeps lines in memory: tests assert on what was reported. */
export function createMemoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = []
  const push = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    lines.push(`${level} ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`)
  }
  return { lines, info: push('INFO'), warn: push('WARN'), error: push('ERROR') }
}
