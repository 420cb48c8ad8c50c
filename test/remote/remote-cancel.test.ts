import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { KEY_PREFIX, queueName } from '../../src/remote/remote-protocol'
import { testRedisServer } from '../support/suite-requirements'
import { tempDir, until } from '../support/test-farm'
import { CuttableProxy, RemoteBed, TestHost, TestRedis, counterLines, useRemoteBed } from './remote-support'

/**
 * A cancel that sticks: the farm keeps what it cancelled in its signed state, which hosts read again
 * when they reconnect and before every batch. A host that was cut off from Redis while its job was
 * cancelled stops the batch in hand and refuses the batch redelivered after its stall.
 */
describe.skipIf(!testRedisServer())('a cancel while a host is disconnected', () => {
  let bed: RemoteBed
  let proxy: CuttableProxy
  const work = tempDir()

  beforeAll(async () => {
    bed = new RemoteBed(await TestRedis.start())
    proxy = await CuttableProxy.start(bed.redis.port)
  })
  afterEach(() => bed.clear())
  afterAll(async () => {
    await proxy?.close()
    await bed?.redis.stop()
    work.remove()
  })

  it('runs no command of the job once the host is back', async () => {
    const gate = join(work.path, 'gate')
    const counter = join(work.path, 'counter')
    const farm = await bed.openFarm()
    const host = new TestHost(proxy.url(), 'flaky', ['--allow-commands'])
    bed.hosts.push(host)
    await until(() => bed.hostsOf('cpu').some((h) => h.state === 'running'), 'the host', 60_000)
    // Each command waits for the gate, then counts itself: none may count once the job is cancelled.
    const cancelled = await farm.create({
      kind: 'command',
      command: [
        'sh',
        '-c',
        `while [ ! -e ${gate} ]; do sleep 0.05; done; echo "cancelled $1" >> ${counter}`,
        'sh',
        '{}',
      ],
      input: { type: 'list', values: ['a', 'b', 'c', 'd'] },
    })
    await until(
      () => bed.hostsOf('cpu')[0]?.workers.some((w) => w.state === 'busy' && w.jobId === cancelled) ?? false,
      'the batch running on the host',
      60_000,
    )

    proxy.cutOff()
    await until(() => bed.hostsOf('cpu')[0]?.state === 'stale', 'the host seen as gone', 60_000)
    farm.cancel(cancelled)
    // The farm has the cancel in its signed state, which the host will read when it is back.
    const redis = new Redis(bed.redis.url)
    try {
      const revoked = async () => JSON.parse(JSON.parse((await redis.get('taskfarm:farm')) ?? '{}').body ?? '{}')
      for (const started = Date.now(); !((await revoked()).revokedJobs ?? []).includes(cancelled);) {
        if (Date.now() - started > 60_000) throw new Error('timed out waiting for the cancel recorded')
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    } finally {
      redis.disconnect()
    }
    proxy.restore()
    await until(() => bed.hostsOf('cpu')[0]?.state === 'running', 'the host back', 60_000)
    // Its clean-up (the cancel's own work) runs on the host once it is back.
    expect((await farm.waitForEnd(cancelled)).state).toBe('cancelled')
    // Give the host its chance to stop the batch; without the fix it never does, and the gate shows it.
    await until(() => host.output.join('').includes('stopping batch'), 'the host stopping the batch', 20_000).catch(
      () => {},
    )
    writeFileSync(gate, '')

    // A job after it on the same (single) slot ends only once the cancelled batch has let go.
    const after = await farm.create({
      kind: 'command',
      command: ['sh', '-c', `echo "after $1" >> ${counter}`, 'sh', '{}'],
      input: { type: 'list', values: ['z'] },
    })
    expect(await farm.waitForEnd(after)).toMatchObject({ state: 'completed', itemsDone: 1 })
    expect(counterLines(counter)).toEqual(['after z'])
    // By the job or by the batch, whichever the host read first.
    expect(host.output.join('')).toMatch(/stopping batch \S+: (job \d+ was cancelled|the farm took it back)/)
  }, 180_000)
})

describe.skipIf(!testRedisServer())('a batch of a cancelled job put back into Redis', () => {
  const remote = useRemoteBed()

  it('is refused, though signed by the farm: a replay runs nothing', async () => {
    const { bed, work } = remote
    const gate = join(work, 'gate')
    const counter = join(work, 'counter')
    const farm = await bed.openFarm()
    const [host] = bed.startHostsWith(['--allow-commands', '--concurrency', '2'], 'replayed')
    await until(() => farm.pool('cpu').workers.length === 2, 'two remote slots', 60_000)
    // "first" counts itself at once; "second" waits for a gate that never opens, so the job is still running.
    const jobId = await farm.create({
      kind: 'command',
      command: [
        'sh',
        '-c',
        `[ "$1" = first ] || while [ ! -e ${gate} ]; do sleep 0.05; done; echo "$1" >> ${counter}`,
        'sh',
        '{}',
      ],
      input: { type: 'list', values: ['first', 'second'] },
      jobs: 2,
    })
    await until(() => farm.summary(jobId).itemsDone === 1, 'the first unit done', 60_000)
    const queue = new Queue(queueName('cpu'), { connection: { url: bed.redis.url }, prefix: KEY_PREFIX })
    try {
      const done = (await queue.getJobs(['completed'])).find((job) => (job.data as { jobId: number }).jobId === jobId)
      expect(done).toBeDefined()
      farm.cancel(jobId)
      expect((await farm.waitForEnd(jobId)).state).toBe('cancelled')
      // Someone with write access to Redis sends the farm's own signed batch again.
      const { id, data } = done!
      expect(await queue.remove(id!)).toBe(1)
      await queue.add('batch', data, { jobId: id })
      await until(() => host!.output.join('').includes(`refused batch ${id}`), 'the refusal', 60_000)
      expect(host!.output.join('')).toContain(`refused batch ${id}: job ${jobId} was cancelled; nothing ran`)
      expect(counterLines(counter)).toEqual(['first'])
    } finally {
      await queue.close()
    }
  }, 180_000)
})
