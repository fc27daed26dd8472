import type { OutputStream } from './cli-io'

export interface Progress {
  readonly bytes: number
  readonly rows: number
}

export interface ProgressBar {
  /** Records progress; redraws on a terminal at most every `intervalMs`. */
  update(progress: Progress): void
  /** Draws the final state and ends the line (on a terminal) or prints one plain line. */
  done(progress?: Progress): void
}

export interface ProgressBarOptions {
  readonly stream: OutputStream
  /** What is being done, e.g. `Reading items.csv`. */
  readonly label: string
  /** Size of the input in bytes; 0 when unknown. */
  readonly total: number
  readonly now: () => number
  readonly intervalMs?: number
}

const BAR_WIDTH = 24

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`
}

const count = new Intl.NumberFormat('en-US')

/**
 * A one-line progress bar on stderr: bytes read of the file's size, rows, rows per second. On a
 * terminal it redraws in place (at most every 100 ms); elsewhere (a pipe, a CI log) it stays
 * silent until `done` prints one plain line.
 */
export function createProgressBar(options: ProgressBarOptions): ProgressBar {
  const { stream, label, total, now } = options
  const interval = options.intervalMs ?? 100
  const start = now()
  const tty = stream.isTTY === true
  let last: Progress = { bytes: 0, rows: 0 }
  let drawnAt = -Infinity
  let finished = false

  const rate = (p: Progress): string => {
    const seconds = (now() - start) / 1000
    return seconds > 0 ? `${count.format(Math.round(p.rows / seconds))} rows/s` : ''
  }
  const line = (p: Progress): string => {
    const parts = [label]
    if (total > 0) {
      const fraction = Math.min(1, p.bytes / total)
      const filled = Math.round(fraction * BAR_WIDTH)
      parts.push(
        `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}%`,
        `${formatBytes(p.bytes)}/${formatBytes(total)}`,
      )
    } else {
      parts.push(formatBytes(p.bytes))
    }
    parts.push(`${count.format(p.rows)} rows`, rate(p))
    const text = parts.filter((s) => s !== '').join('  ')
    const width = stream.columns ?? 0
    return width > 10 && text.length >= width ? text.slice(0, width - 1) : text
  }

  return {
    update(progress) {
      last = progress
      if (!tty || finished) return
      const t = now()
      if (t - drawnAt < interval) return
      drawnAt = t
      stream.write(`\r\x1b[2K${line(progress)}`)
    },
    done(progress = last) {
      if (finished) return
      finished = true
      last = progress
      if (tty) {
        stream.write(`\r\x1b[2K${line(progress)}\n`)
        return
      }
      const seconds = (now() - start) / 1000
      stream.write(
        `${label}: ${formatBytes(progress.bytes)}, ${count.format(progress.rows)} rows in ` +
          `${seconds.toFixed(1)} s${seconds > 0 ? ` (${rate(progress)})` : ''}\n`,
      )
    },
  }
}
