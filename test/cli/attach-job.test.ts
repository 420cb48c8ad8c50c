import { describe, expect, it } from 'vitest'
import { attachToJob } from '../../src/cli/attach-job'
import type { ControlClient } from '../../src/host/control-client'

/** An owner that answers `jobs.get` with a running job at once, and `jobs.interrupt` when the test says. */
function slowOwner() {
  const calls: string[] = []
  let answerInterrupt!: () => void
  const owner = {
    on: () => () => {},
    onGone: () => () => {},
    call(channel: string) {
      calls.push(channel)
      if (channel === 'jobs.interrupt')
        return new Promise<unknown>((resolve) => (answerInterrupt = () => resolve({ ok: true })))
      return Promise.resolve({ id: 1, state: 'running', cancelling: false, itemsTotal: 10, itemsDone: 1 })
    },
  }
  return { owner: owner as unknown as ControlClient, calls, answerInterrupt: () => answerInterrupt() }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 50))

// POSIX only: the test raises SIGINT in this process, which Node cannot catch on Windows.
describe.skipIf(process.platform === 'win32')('Ctrl-C twice on an attached command', () => {
  it('stops waiting only once the farm has answered the first Ctrl-C’s interrupt', async () => {
    const { owner, calls, answerInterrupt } = slowOwner()
    let returned: number | null = null
    const attached = attachToJob(owner, 1, { interruptOnSignal: true, quiet: true }).then((code) => (returned = code))
    await tick()
    process.emit('SIGINT', 'SIGINT')
    process.emit('SIGINT', 'SIGINT')
    await tick()
    expect(calls).toContain('jobs.interrupt')
    // The command would exit now, closing its connection, and a farm slow to read would drop the call.
    expect(returned).toBeNull()
    answerInterrupt()
    await attached
    expect(returned).toBe(130)
  })
})

describe.skipIf(process.platform === 'win32')('an attached command as it stops', () => {
  it('is never without a hang-up handler: one then would take the default and kill it', async () => {
    const owner = {
      on: () => () => {},
      onGone: () => () => {},
      call: () => Promise.resolve({ id: 1, state: 'completed', cancelling: false, itemsTotal: 1, itemsDone: 1 }),
    } as unknown as ControlClient
    // The test runner may listen too: what counts is whether the command's own handlers are ever all gone.
    const before = process.listenerCount('SIGHUP')
    const left: number[] = []
    const watch = (event: string | symbol): void => {
      if (event === 'SIGHUP') left.push(process.listenerCount('SIGHUP'))
    }
    process.on('removeListener', watch)
    try {
      expect(await attachToJob(owner, 1, { interruptOnSignal: true, quiet: true })).toBe(0)
    } finally {
      process.off('removeListener', watch)
    }
    expect(left.length).toBeGreaterThan(0)
    expect(Math.min(...left)).toBeGreaterThan(before)
  })
})
