import { describe, expect, it } from 'vitest'
import { createGiveWay } from './give-way'

describe('createGiveWay', () => {
  /** Whether an I/O-like callback queued before the call ran before the call returned. */
  async function letsOthersRun(giveWay: () => Promise<void>): Promise<boolean> {
    let ran = false
    setImmediate(() => (ran = true))
    await giveWay()
    return ran
  }

  it('goes on at once within a slice and gives way to the event loop once it has run out', async () => {
    let now = 0
    const giveWay = createGiveWay(10, () => now)
    now = 9
    expect(await letsOthersRun(giveWay)).toBe(false)
    now = 10
    expect(await letsOthersRun(giveWay)).toBe(true)
    // A new slice starts after giving way.
    now = 15
    expect(await letsOthersRun(giveWay)).toBe(false)
    now = 20
    expect(await letsOthersRun(giveWay)).toBe(true)
  })
})
