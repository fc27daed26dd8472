import { describe, expect, it } from 'vitest'
import { createProgressBar, formatBytes } from './progress-bar'

function stream(isTTY: boolean) {
  const writes: string[] = []
  return { writes, isTTY, columns: 120, write: (s: string) => writes.push(s) }
}

describe('createProgressBar', () => {
  it('redraws in place on a terminal, at most every 100 ms', () => {
    const out = stream(true)
    let t = 0
    const bar = createProgressBar({
      stream: out,
      label: 'Reading a.csv',
      total: 2048,
      now: () => t,
    })
    t = 10
    bar.update({ bytes: 512, rows: 10 })
    t = 50
    bar.update({ bytes: 1024, rows: 20 }) // too soon: not drawn
    t = 120
    bar.update({ bytes: 1536, rows: 30 })
    t = 2000
    bar.done({ bytes: 2048, rows: 40 })
    expect(out.writes).toHaveLength(3)
    expect(out.writes[0]).toBe(
      '\r\x1b[2KReading a.csv  [######..................]  25%  512 B/2.0 KiB  10 rows  1,000 rows/s',
    )
    expect(out.writes[1]).toContain('[##################......]  75%')
    expect(out.writes[2]).toBe(
      '\r\x1b[2KReading a.csv  [########################] 100%  2.0 KiB/2.0 KiB  40 rows  20 rows/s\n',
    )
  })

  it('prints one plain line at the end elsewhere', () => {
    const out = stream(false)
    let t = 0
    const bar = createProgressBar({ stream: out, label: 'Reading a.csv', total: 10, now: () => t })
    for (let i = 1; i <= 5; i++) {
      t = i * 500
      bar.update({ bytes: i * 2, rows: i * 1000 })
    }
    bar.done()
    bar.done()
    expect(out.writes).toEqual(['Reading a.csv: 10 B, 5,000 rows in 2.5 s (2,000 rows/s)\n'])
  })

  it('fits the terminal width and copes with an unknown size', () => {
    const out = { ...stream(true), columns: 30 }
    const bar = createProgressBar({ stream: out, label: 'Reading', total: 0, now: () => 1 })
    bar.update({ bytes: 3 * 1024 * 1024, rows: 7 })
    expect(out.writes[0]).toBe('\r\x1b[2KReading  3.0 MiB  7 rows')
  })
})

describe('formatBytes', () => {
  it('uses binary units', () => {
    expect(formatBytes(0)).toBe('0 B')
    expect(formatBytes(1023)).toBe('1023 B')
    expect(formatBytes(1536)).toBe('1.5 KiB')
    expect(formatBytes(50 * 1024 * 1024)).toBe('50 MiB')
  })
})
