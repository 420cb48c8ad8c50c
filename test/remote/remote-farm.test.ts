import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Farm } from '../../src/core/farm'
import { BullmqRemoteLink } from '../../src/remote'
import { startUrlFixtureServer, type UrlFixtureServer } from '../fixtures/url-fixture-server'
import { openTestFarm, until, type tempDir } from '../support/test-farm'
import { TestHost, TestRedis, duplicates, exportedRows } from './remote-support'

/**
 * The farm with no local workers in its network and cpu pools and two `task-farm worker` processes
 * (their own folders, no access to the history) on a loopback Redis: every unit lands once.
 */
describe('remote worker hosts through BullMQ', () => {
  let redis: TestRedis
  let server: UrlFixtureServer
  let hosts: TestHost[] = []
  let opened: { farm: Farm; dir: ReturnType<typeof tempDir> } | null = null

  beforeAll(async () => {
    redis = await TestRedis.start()
    server = await startUrlFixtureServer()
  })
  afterEach(async () => {
    await opened?.farm.shutdown('now')
    opened?.dir.remove()
    opened = null
    await Promise.all(hosts.map((h) => h.stop()))
    hosts = []
  })
  afterAll(async () => {
    await redis?.stop()
    await server?.close()
  })

  function remoteFarm(): Farm {
    const { farm, dir } = openTestFarm({ pools: { network: { size: 0 }, cpu: { size: 0 } }, remote: new BullmqRemoteLink(redis.url) })
    opened = { farm, dir }
    return farm
  }

  const runningHosts = (farm: Farm, pool: 'network' | 'cpu') =>
    farm.poolInfo().find((p) => p.name === pool)!.remoteHosts!.filter((h) => h.state === 'running')

  it('runs 2,000 URLs and 1,000 probe inputs on two remote hosts, every unit exactly once in the history and the export', async () => {
    hosts = [new TestHost(redis.url, 'alpha'), new TestHost(redis.url, 'beta')]
    const farm = remoteFarm()
    await until(() => runningHosts(farm, 'network').length === 2 && runningHosts(farm, 'cpu').length === 2, 'two remote hosts in both pools')
    const urls = Array.from({ length: 2000 }, (_, i) => `${server.baseUrl}/page?n=${i}`)
    const urlJob = await farm.create({ kind: 'urls', input: { type: 'text', text: urls.join('\n') }, concurrency: 64 })
    const probeJob = await farm.create({ kind: 'probe', count: 1000, chunk: 1 })
    const [urlEnd, probeEnd] = await Promise.all([farm.waitForEnd(urlJob), farm.waitForEnd(probeJob)])

    expect(urlEnd).toMatchObject({ state: 'completed', itemsTotal: 2000, itemsDone: 2000, itemsFailed: 0 })
    expect(probeEnd).toMatchObject({ state: 'completed', itemsTotal: 1000, itemsDone: 1000, itemsFailed: 0 })
    const urlRows = await exportedRows(farm.store, urlJob, opened!.dir.path)
    expect(urlRows).toHaveLength(2000)
    expect(duplicates(urlRows.map((r) => r.url))).toEqual([])
    expect(new Set(urlRows.map((r) => r.url))).toEqual(new Set(urls))
    expect(urlRows.every((r) => r.status === 200)).toBe(true)
    const probeRows = await exportedRows(farm.store, probeJob, opened!.dir.path)
    expect(probeRows).toHaveLength(1000)
    expect(duplicates(probeRows.map((r) => r.key))).toEqual([])
    // Both hosts took part, and nothing ran on the farm's machine under the farm.
    const results = farm.store.db.prepare('SELECT result FROM items WHERE job_id = ?').pluck().all(probeJob) as string[]
    const pids = new Set(results.map((r) => (JSON.parse(r) as { pid: number }).pid))
    expect(pids.size).toBeGreaterThanOrEqual(2)
    for (const pool of ['network', 'cpu'] as const) expect(farm.pool(pool).workers.filter((w) => !w.remote)).toHaveLength(0)
  }, 180_000)
})
