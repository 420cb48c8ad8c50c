import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Farm } from '../../src/core/farm'
import { BullmqRemoteLink } from '../../src/remote'
import { openTestFarm, until, type tempDir } from '../support/test-farm'
import { TestHost, TestRedis } from './remote-support'

/** What a person does to remote work: cancel it, drain or stop a host; and hosts of another version. */
describe('controlling remote work', () => {
  let redis: TestRedis
  let client: Redis
  let hosts: TestHost[] = []
  let opened: { farm: Farm; dir: ReturnType<typeof tempDir> } | null = null

  beforeAll(async () => {
    redis = await TestRedis.start()
    client = new Redis(redis.url)
  })
  afterEach(async () => {
    await opened?.farm.shutdown('now')
    opened?.dir.remove()
    opened = null
    await Promise.all(hosts.map((h) => h.stop()))
    hosts = []
    await client.flushall()
  })
  afterAll(async () => {
    client?.disconnect()
    await redis?.stop()
  })

  function remoteFarm(): Farm {
    const { farm, dir } = openTestFarm({ pools: { network: { size: 0 }, cpu: { size: 0 } }, remote: new BullmqRemoteLink(redis.url) })
    opened = { farm, dir }
    return farm
  }
  const cpuHosts = (farm: Farm) => farm.poolInfo().find((p) => p.name === 'cpu')!.remoteHosts!

  it('a cancel reaches the batches running on remote hosts: their workers go idle', async () => {
    hosts = [new TestHost(redis.url, 'alpha')]
    const farm = remoteFarm()
    await until(() => cpuHosts(farm).some((h) => h.state === 'running'), 'the host')
    // Items that sleep ten minutes: only a cancel that reached the host frees its worker.
    const jobId = await farm.create({ kind: 'probe', count: 4, sleepMs: 600_000 })
    await until(() => cpuHosts(farm)[0]?.workers.some((w) => w.state === 'busy' && w.jobId === jobId) ?? false, 'the batch running remotely')
    farm.cancel(jobId)
    expect((await farm.waitForEnd(jobId)).state).toBe('cancelled')
    await until(() => cpuHosts(farm)[0]?.workers.every((w) => w.state === 'idle') ?? false, 'the remote worker to stop the cancelled batch')
    expect(farm.summary(jobId).itemsDone).toBe(0)
  })

  it('drain: the host finishes and leaves; stop: it leaves at once', async () => {
    hosts = [new TestHost(redis.url, 'alpha'), new TestHost(redis.url, 'beta')]
    const farm = remoteFarm()
    await until(() => cpuHosts(farm).filter((h) => h.state === 'running').length === 2, 'two hosts')
    const [alpha, beta] = [...cpuHosts(farm)].sort((a, b) => a.name.localeCompare(b.name))
    await farm.controlRemoteHost(alpha!.id, 'drain')
    expect(await hosts[0]!.exited).toBe(0)
    await farm.controlRemoteHost(beta!.id, 'stop')
    expect(await hosts[1]!.exited).toBe(0)
    await until(() => cpuHosts(farm).length === 0, 'both hosts gone from the Pools view')
    expect(farm.pool('cpu').workers).toHaveLength(0)
  })

  it('a host of another protocol version is listed as refused and given nothing; a host refuses a farm of another', async () => {
    const farm = remoteFarm()
    const beat = { id: 'old-1', name: 'old', hostname: 'old', pid: 1, protocol: 99, kinds: ['probe'], pools: ['cpu'], slots: { cpu: 4 }, state: 'running', at: Date.now(), workers: [] }
    await client.set('taskfarm:host:old-1', JSON.stringify(beat), 'EX', 30)
    await until(() => cpuHosts(farm).some((h) => h.state === 'refused'), 'the old host listed')
    expect(cpuHosts(farm)[0]!.problem).toMatch(/protocol 99/)
    expect(farm.pool('cpu').workers).toHaveLength(0)

    await client.set('taskfarm:farm', JSON.stringify({ protocol: 99, session: 'x', at: Date.now() }))
    await opened!.farm.shutdown('now')
    await client.set('taskfarm:farm', JSON.stringify({ protocol: 99, session: 'x', at: Date.now() }))
    const host = new TestHost(redis.url, 'new')
    hosts = [host]
    expect(await host.exited).toBe(2)
    expect(host.output.join('')).toMatch(/speaks protocol 99 and this worker 1: run the same Task Farm version on both/)
  })
})
