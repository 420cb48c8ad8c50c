import { spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { isProcessGone } from '../support/process-state'
import { until } from '../support/test-farm'

describe('isProcessGone', () => {
  it('says a live process is there and an unused pid is not', () => {
    expect(isProcessGone(process.pid)).toBe(false)
    expect(isProcessGone(2 ** 22 + 1)).toBe(true) // above Linux's largest pid
  })

  it.runIf(process.platform === 'linux')('counts a zombie (dead, not reaped) as gone', async () => {
    // sh starts a short sleep in the background and becomes a long one, which never reaps the short one:
    // a zombie once it ends, until the long sleep does. (A background `true` could end, and be reaped by
    // sh, before the exec.)
    const parent = spawn('sh', ['-c', 'sleep 2 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] })
    try {
      const zombie = await new Promise<number>((resolve) =>
        parent.stdout.once('data', (d: Buffer) => resolve(Number(d))),
      )
      expect(isProcessGone(zombie)).toBe(false)
      await until(() => isProcessGone(zombie), 'the short sleep to end', 10_000)
      expect(() => process.kill(zombie, 0)).not.toThrow() // what the tests used to ask: "still there"
    } finally {
      parent.kill('SIGKILL')
    }
  })
})
