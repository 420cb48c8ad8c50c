import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startUrlFixtureServer, type UrlFixtureServer } from '../fixtures/url-fixture-server'
import { RemoteBed, TestRedis, duplicates, exportedRows } from './remote-support'
import { testRedisServer } from '../support/suite-requirements'

/**
 * The farm with no local workers in its network and cpu pools and two `task-farm worker` processes
 * (their own folders, no access to the history) on a loopback Redis: every unit lands once.
 */
describe.skipIf(!testRedisServer())('remote worker hosts through BullMQ', () => {
  let bed: RemoteBed
  let server: UrlFixtureServer

  beforeAll(async () => {
    bed = new RemoteBed(await TestRedis.start())
    server = await startUrlFixtureServer()
  })
  afterEach(() => bed.clear())
  afterAll(async () => {
    await bed?.redis.stop()
    await server?.close()
  })

  it('runs 2,000 URLs and 1,000 probe inputs on two remote hosts, every unit exactly once in the history and the export', async () => {
    bed.startHosts('alpha', 'beta')
    const farm = await bed.openFarm()
    await bed.hostsRunning(2)
    const urls = Array.from({ length: 2000 }, (_, i) => `${server.baseUrl}/page?n=${i}`)
    const urlJob = await farm.create({ kind: 'urls', input: { type: 'text', text: urls.join('\n') }, concurrency: 64 })
    const probeJob = await farm.create({ kind: 'probe', count: 1000, chunk: 1 })
    const [urlEnd, probeEnd] = await Promise.all([farm.waitForEnd(urlJob), farm.waitForEnd(probeJob)])

    expect(urlEnd).toMatchObject({ state: 'completed', itemsTotal: 2000, itemsDone: 2000, itemsFailed: 0 })
    expect(probeEnd).toMatchObject({ state: 'completed', itemsTotal: 1000, itemsDone: 1000, itemsFailed: 0 })
    const urlRows = await exportedRows(farm.store, urlJob, bed.dir)
    expect(urlRows).toHaveLength(2000)
    expect(duplicates(urlRows.map((r) => r.url))).toEqual([])
    expect(new Set(urlRows.map((r) => r.url))).toEqual(new Set(urls))
    expect(urlRows.every((r) => r.status === 200)).toBe(true)
    const probeRows = await exportedRows(farm.store, probeJob, bed.dir)
    expect(probeRows).toHaveLength(1000)
    expect(duplicates(probeRows.map((r) => r.key))).toEqual([])
    // Both hosts took part, and nothing ran on the farm's machine under the farm.
    const units = farm.store.items(probeJob, { limit: 10_000, offset: 0 }).items
    const pids = new Set(units.map((unit) => (unit.result as { pid: number }).pid))
    expect(pids.size).toBeGreaterThanOrEqual(2)
    for (const pool of ['network', 'cpu'] as const)
      expect(farm.pool(pool).workers.filter((w) => !w.remote)).toHaveLength(0)
    // The Pools view counts every unit the hosts' processes did, those reported in runs too.
    const unitsDoneOnHosts = () =>
      (farm.poolInfo().find((p) => p.name === 'cpu')?.remoteHosts ?? [])
        .flatMap((host) => host.workers)
        .reduce((sum, worker) => sum + worker.unitsDone, 0)
    await expect.poll(unitsDoneOnHosts, { timeout: 10_000 }).toBeGreaterThanOrEqual(3000)
  }, 180_000)
})
