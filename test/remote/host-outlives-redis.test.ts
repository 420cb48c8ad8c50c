import { afterEach, describe, expect, it } from 'vitest'
import { testRedisServer } from '../support/suite-requirements'
import { isProcessGone } from '../support/process-state'
import { until } from '../support/test-farm'
import { childPids } from '../cli/copy-cli-helpers'
import { freePort, TEST_REMOTE_KEY, TestHost, TestRedis } from './remote-support'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const clean of cleanups.splice(0).reverse()) await clean()
})

/** A host serving a Redis that then goes away (stopped, not restarted); returns the host and its worker processes. */
async function hostWithoutRedis(name: string): Promise<{ host: TestHost; workers: number[] }> {
  const redis = await TestRedis.start()
  cleanups.push(() => redis.stop())
  const host = new TestHost(redis.url, name, [], { TASK_FARM_REMOTE_KEY: TEST_REMOTE_KEY })
  cleanups.push(() => host.stop())
  await until(() => host.output.join('').includes('serving'), 'the host serves')
  const workers = childPids(host.child.pid!)
  expect(workers.length).toBeGreaterThan(0)
  await redis.kill()
  return { host, workers }
}

describe.skipIf(!testRedisServer())('a worker host whose Redis has gone away', () => {
  // Before, it waited for ever on Redis as it left: a SIGTERM (a service manager's stop) never ended it.
  it('leaves on SIGTERM, its worker processes with it', async () => {
    const { host, workers } = await hostWithoutRedis('orphan-term')
    host.child.kill('SIGTERM')
    expect(await host.exited).toBe(0)
    await until(() => workers.every(isProcessGone), 'its worker processes are gone')
  }, 60_000)

  it('leaves on one Ctrl-C, saying why it does not drain', async () => {
    const { host, workers } = await hostWithoutRedis('orphan-int')
    host.child.kill('SIGINT')
    expect(await host.exited).toBe(0)
    expect(host.output.join('')).toMatch(/Redis does not answer: leaving now/)
    await until(() => workers.every(isProcessGone), 'its worker processes are gone')
  }, 60_000)
})

describe('a worker host whose Redis does not answer yet', () => {
  // Before, it said nothing for 15 s, then that it could not use Redis.
  it('says at once what it waits for, and for how long', async () => {
    const host = new TestHost(`redis://127.0.0.1:${await freePort()}`, 'early', [], {
      TASK_FARM_REMOTE_KEY: TEST_REMOTE_KEY,
    })
    cleanups.push(() => host.stop())
    await until(
      () =>
        /Redis at redis:\/\/127\.0\.0\.1:\d+\/? does not answer yet \(.*ECONNREFUSED.*\): trying for 15 s/.test(
          host.output.join(''),
        ),
      'the note',
      10_000,
    )
    expect(host.child.exitCode).toBe(null)
  }, 30_000)
})
