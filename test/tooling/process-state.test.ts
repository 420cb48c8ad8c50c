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
    // sh starts `true` in the background and becomes `sleep`, which never reaps it: a zombie until sleep ends.
    const parent = spawn('sh', ['-c', 'true & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] })
    try {
      const zombie = await new Promise<number>((resolve) => parent.stdout.once('data', (d: Buffer) => resolve(Number(d))))
      await until(() => isProcessGone(zombie), 'the background `true` to end', 10_000)
      expect(() => process.kill(zombie, 0)).not.toThrow() // what the tests used to ask: "still there"
    } finally {
      parent.kill('SIGKILL')
    }
  })
})
