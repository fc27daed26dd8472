/** The slice of a process a command uses: tests give it buffers, `concord` gives it the process. */
export interface CliIo {
  readonly stdout: OutputStream
  readonly stderr: OutputStream
  readonly env: NodeJS.ProcessEnv
  /** Milliseconds, monotonic; for progress and durations. */
  now(): number
}

export interface OutputStream {
  write(text: string): unknown
  /** True when the stream is a terminal (progress bars redraw in place). */
  readonly isTTY?: boolean
  readonly columns?: number
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    now: () => performance.now(),
  }
}
