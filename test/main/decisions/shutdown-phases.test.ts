import { describe, expect, it, vi } from 'vitest'
import { ShutdownPhases } from '../../../src/main/decisions/shutdown-phases'

describe('the app’s way out', () => {
  it('holds Electron’s quit until the teardown is done, then lets it through once', async () => {
    let finishTeardown!: () => void
    const closed = vi.fn()
    const phases = new ShutdownPhases({
      teardown: () => new Promise<void>((resolve) => (finishTeardown = resolve)),
      closed,
      failed: vi.fn(),
    })
    expect(phases.mayQuit()).toBe(false)
    const closing = phases.close()
    await vi.waitFor(() => expect(finishTeardown).toBeDefined())
    // A second Cmd+Q now: still held, and closing again is the same closing.
    expect(phases.current).toBe('closing')
    expect(phases.mayQuit()).toBe(false)
    expect(phases.close()).toBe(closing)
    expect(closed).not.toHaveBeenCalled()
    finishTeardown()
    await closing
    expect(phases.mayQuit()).toBe(true)
    expect(closed).toHaveBeenCalledTimes(1)
  })

  it('still closes when pausing or the teardown fails, and says what failed', async () => {
    const failed = vi.fn()
    const closed = vi.fn()
    const phases = new ShutdownPhases({ teardown: async () => Promise.reject(new Error('gone')), closed, failed })
    await phases.close(async () => Promise.reject(new Error('no list')))
    expect(failed.mock.calls.map(([what]) => what)).toEqual(['Pausing jobs for the next start', 'Stopping the farm'])
    expect(closed).toHaveBeenCalledTimes(1)
  })
})
