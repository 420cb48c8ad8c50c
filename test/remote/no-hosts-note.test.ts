import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { cliEntry, tempDir, until } from '../support/test-farm'
import { testRedisServer } from '../support/suite-requirements'
import { TEST_REMOTE_KEY, TestRedis } from './remote-support'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const clean of cleanups.splice(0).reverse()) await clean()
})

describe.skipIf(!testRedisServer())('a job command with no local workers on a Redis no host serves', () => {
  it('says the job waits for a remote host, then stops resumable on Ctrl-C', async () => {
    const redis = await TestRedis.start()
    cleanups.push(() => redis.stop())
    const dir = tempDir()
    cleanups.push(() => dir.remove())
    // Redis answers, so the farm has nothing to warn of: before, the command waited in silence.
    const run = spawn(
      process.execPath,
      [cliEntry, '--db', join(dir.path, 'h.sqlite'), '--redis', redis.url, 'probe', '--count', '2', '--workers', '0'],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TASK_FARM_REMOTE_KEY: TEST_REMOTE_KEY } },
    )
    cleanups.push(() => void run.kill('SIGKILL'))
    let out = ''
    run.stdout.on('data', (chunk) => (out += chunk))
    const exited = new Promise<number | null>((resolve) => run.on('close', resolve))
    await until(() => /no remote host serves its cpu pool yet, and the job waits for one/.test(out), 'the note')
    run.kill('SIGINT')
    expect(await exited).toBe(130)
    expect(out).toMatch(/Job 1 interrupted/)
  }, 60_000)
})
