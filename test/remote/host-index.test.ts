import type { Redis } from 'ioredis'
import { describe, expect, it } from 'vitest'
import { until } from '../support/test-farm'
import { testRedisServer } from '../support/suite-requirements'
import { remoteBedForSuite } from './remote-support'

/** How many times Redis ran `command` since its statistics were last reset. */
async function calls(client: Redis, command: string): Promise<number> {
  const stats = await client.info('commandstats')
  return Number(new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(stats)?.[1] ?? 0)
}

/** How a farm finds its remote hosts: by the index they add themselves to, not by scanning every key. */
describe.skipIf(!testRedisServer())('the farm finds remote hosts', () => {
  const suite = remoteBedForSuite()

  it("through the hosts' index: a Redis of 20,000 other keys is not scanned once a second", async () => {
    // A Redis shared with other work: each sync scanned all of it, 200 keys a call.
    const filler = suite.client.pipeline()
    for (let i = 0; i < 20_000; i++) filler.set(`other:app:${i}`, 'x')
    await filler.exec()
    suite.bed.startHosts('alpha')
    await suite.bed.openFarm()
    await until(() => suite.bed.hostsOf('cpu').some((h) => h.state === 'running'), 'the host', 60_000)
    // The farm's first read started one scan (for hosts of earlier builds), which it does not wait for.
    await new Promise((resolve) => setTimeout(resolve, 1000))
    await suite.client.config('RESETSTAT')
    // Three syncs (one a second): each reads the index and the heartbeats it names.
    await new Promise((resolve) => setTimeout(resolve, 3500))
    expect(await calls(suite.client, 'scan')).toBe(0)
    expect(await calls(suite.client, 'smembers')).toBeGreaterThanOrEqual(2)
    expect(suite.bed.hostsOf('cpu').map((h) => [h.name, h.state])).toEqual([['alpha', 'running']])
  }, 90_000)

  it('a host of an earlier build (its heartbeat alone, no index) is found by a scan of the keyspace', async () => {
    const beat = {
      id: 'pre-index-1',
      name: 'before',
      hostname: 'old',
      pid: 1,
      protocol: 8,
      kinds: ['probe'],
      pools: ['cpu'],
      slots: { cpu: 2 },
      state: 'running',
      at: Date.now(),
      workers: [],
    }
    await suite.client.set('taskfarm:host:pre-index-1', JSON.stringify(beat), 'EX', 30)
    await suite.bed.openFarm()
    await until(() => suite.bed.hostsOf('cpu').some((h) => h.name === 'before'), 'the earlier host listed')
    expect(suite.bed.hostsOf('cpu')[0]!.problem).toMatch(/protocol 8/)
  }, 60_000)

  it('forgets a host that stopped without a word once its heartbeat has expired', async () => {
    await suite.client.sadd('taskfarm:hosts', 'killed-1')
    suite.bed.startHosts('alive')
    await suite.bed.openFarm()
    await until(() => suite.bed.hostsOf('cpu').some((h) => h.state === 'running'), 'the live host', 60_000)
    const indexed = (): Promise<string[]> => suite.client.smembers('taskfarm:hosts')
    for (const started = Date.now(); (await indexed()).includes('killed-1');) {
      if (Date.now() - started > 20_000) throw new Error('timed out waiting for the dead id to be dropped')
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    expect(await indexed()).toEqual(suite.bed.hostsOf('cpu').map((h) => h.id))
    expect(suite.bed.hostsOf('cpu').map((h) => h.name)).toEqual(['alive'])
    // A host that leaves takes itself out.
    const [host] = suite.bed.hosts
    host!.child.kill('SIGTERM')
    expect(await host!.exited).toBe(0)
    expect(await indexed()).toEqual([])
  }, 90_000)
})
