import { describe, expect, it } from 'vitest'
import { createApiHandlers } from '../../src/core/api-handlers'
import { BullmqRemoteLink, REMOTE_PROTOCOL } from '../../src/remote'
import { openTestFarm, until } from '../support/test-farm'
import { remoteBedForSuite, TestHost } from './remote-support'
import { testRedisServer } from '../support/suite-requirements'

/** What a person does to remote work: cancel it, drain or stop a host; and hosts of another version. */
describe.skipIf(!testRedisServer())('controlling remote work', () => {
  const suite = remoteBedForSuite()

  it('a cancel reaches the batches running on remote hosts: their workers go idle', async () => {
    suite.bed.startHosts('alpha')
    const farm = await suite.bed.openFarm()
    await until(() => suite.bed.hostsOf('cpu').some((h) => h.state === 'running'), 'the host', 60_000)
    // Items that sleep ten minutes: only a cancel that reached the host frees its worker.
    const jobId = await farm.create({ kind: 'probe', count: 4, sleepMs: 600_000 })
    await until(
      () => suite.bed.hostsOf('cpu')[0]?.workers.some((w) => w.state === 'busy' && w.jobId === jobId) ?? false,
      'the batch running remotely',
      60_000,
    )
    farm.cancel(jobId)
    expect((await farm.waitForEnd(jobId)).state).toBe('cancelled')
    await until(
      () => suite.bed.hostsOf('cpu')[0]?.workers.every((w) => w.state === 'idle') ?? false,
      'the remote worker to stop the cancelled batch',
      60_000,
    )
    expect(farm.summary(jobId).itemsDone).toBe(0)
  })

  it('drain: the host finishes and leaves; stop: it leaves at once', async () => {
    const hosts = suite.bed.startHosts('alpha', 'beta')
    const farm = await suite.bed.openFarm()
    await until(() => suite.bed.hostsOf('cpu').filter((h) => h.state === 'running').length === 2, 'two hosts', 60_000)
    const [alpha, beta] = [...suite.bed.hostsOf('cpu')].sort((a, b) => a.name.localeCompare(b.name))
    await farm.remote.control(alpha!.id, 'drain')
    expect(await hosts[0]!.exited).toBe(0)
    await farm.remote.control(beta!.id, 'stop')
    expect(await hosts[1]!.exited).toBe(0)
    await until(() => suite.bed.hostsOf('cpu').length === 0, 'both hosts gone from the Pools view', 60_000)
    expect(farm.pool('cpu').workers).toHaveLength(0)
  }, 180_000)

  it('a host of another protocol version is listed as refused and given nothing; a host refuses a farm of another', async () => {
    const farm = await suite.bed.openFarm()
    const beat = {
      id: 'old-1',
      name: 'old',
      hostname: 'old',
      pid: 1,
      protocol: 99,
      kinds: ['probe'],
      pools: ['cpu'],
      slots: { cpu: 4 },
      state: 'running',
      at: Date.now(),
      workers: [],
    }
    // A host of a later version: it adds itself to the hosts' index as hosts of this one do.
    await suite.client
      .multi()
      .set('taskfarm:host:old-1', JSON.stringify(beat), 'EX', 30)
      .sadd('taskfarm:hosts', 'old-1')
      .exec()
    await until(() => suite.bed.hostsOf('cpu').some((h) => h.state === 'refused'), 'the old host listed')
    expect(suite.bed.hostsOf('cpu')[0]!.problem).toMatch(/protocol 99/)
    expect(farm.pool('cpu').workers).toHaveLength(0)
    // The farm says so in its log, once (a command line with --redis shows it).
    const said = (): string[] =>
      farm.store
        .logs({ jobId: null, afterId: 0, minLevel: 'warn', limit: 100 })
        .filter((e) => e.source === 'remote' && /host old \(old\) gets no work/.test(e.message))
        .map((e) => e.message)
    await until(() => said().length > 0, 'the refusal in the log')
    await new Promise((resolve) => setTimeout(resolve, 2500))
    expect(said()).toEqual([expect.stringMatching(/protocol 99, this farm/)])

    await suite.client.set('taskfarm:farm', JSON.stringify({ protocol: 99, session: 'x', at: Date.now() }))
    await farm.shutdown('now')
    await suite.client.set('taskfarm:farm', JSON.stringify({ protocol: 99, session: 'x', at: Date.now() }))
    const host = new TestHost(suite.bed.redis.url, 'new')
    suite.bed.hosts = [host]
    expect(await host.exited).toBe(2)
    expect(host.output.join('')).toContain(
      `speaks protocol 99 and this worker ${REMOTE_PROTOCOL}: run the same Task Farm version on both`,
    )
  })

  it('Settings switch remote workers on and off while the farm runs', async () => {
    const { farm, dir } = openTestFarm({
      pools: { cpu: { size: 0 } },
      connectRemote: (url) => new BullmqRemoteLink(url),
    })
    try {
      const api = createApiHandlers(farm)
      suite.bed.startHosts('alpha')
      expect(farm.poolInfo()[0]!.remoteHosts).toBeUndefined()
      await api.handle('settings.set', { redisUrl: suite.bed.redis.url })
      await until(
        () =>
          farm
            .poolInfo()
            .find((p) => p.name === 'cpu')!
            .remoteHosts?.some((h) => h.state === 'running') ?? false,
        'the host',
        60_000,
      )
      expect(farm.poolInfo().find((p) => p.name === 'disk')!.remoteHosts).toBeNull()
      const jobId = await farm.create({ kind: 'probe', count: 50 })
      expect(await farm.waitForEnd(jobId)).toMatchObject({ state: 'completed', itemsDone: 50 })
      await api.handle('settings.set', { redisUrl: '' })
      expect(farm.poolInfo()[0]!.remoteHosts).toBeUndefined()
      expect(farm.pool('cpu').workers).toHaveLength(0)
      await expect(api.handle('settings.set', { redisUrl: 'http://nope' })).rejects.toThrow(
        /must start with redis:\/\/ or rediss:\/\//,
      )
    } finally {
      await farm.shutdown('now')
      dir.remove()
    }
  })
})
