import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Farm } from '../../src/core/farm'
import { startUrlFixtureServer, type UrlFixtureServer } from '../fixtures/url-fixture-server'
import { until } from '../support/test-farm'
import { RemoteBed, TestRedis, duplicates, exportedRows } from './remote-support'
import { testRedisServer } from '../support/suite-requirements'

/**
 * Faults under remote work: a host killed with kill -9 mid-job, and Redis itself restarting (no
 * persistence: every queued batch is gone). Both jobs still complete with every unit exactly once.
 */
describe.skipIf(!testRedisServer())('remote work survives faults', () => {
  let bed: RemoteBed | null = null
  let server: UrlFixtureServer
  let urls: string[] = []

  beforeAll(async () => {
    server = await startUrlFixtureServer()
    urls = Array.from({ length: 2000 }, (_, i) => `${server.baseUrl}/page?n=${i}`)
  })
  afterEach(async () => {
    await bed?.clear()
    await bed?.redis.stop()
    bed = null
  })
  afterAll(async () => {
    await server?.close()
  })

  async function startJobs(): Promise<{ farm: Farm; urlJob: number; probeJob: number }> {
    bed = new RemoteBed(await TestRedis.start())
    bed.startHosts('alpha', 'beta')
    const farm = await bed.openFarm()
    await bed.hostsRunning(2)
    const urlJob = await farm.create({ kind: 'urls', input: { type: 'text', text: urls.join('\n') }, concurrency: 16 })
    const probeJob = await farm.create({ kind: 'probe', count: 1000, sleepMs: 5 })
    return { farm, urlJob, probeJob }
  }

  /** Until both jobs have done a fifth of their units, so the fault lands mid-job. */
  function underWay(farm: Farm, urlJob: number, probeJob: number): Promise<void> {
    return until(
      () => farm.summary(urlJob).itemsDone >= 400 && farm.summary(probeJob).itemsDone >= 200,
      'both jobs under way',
      60_000,
    )
  }

  async function expectExactlyOnce(farm: Farm, urlJob: number, probeJob: number): Promise<void> {
    const [urlEnd, probeEnd] = await Promise.all([farm.waitForEnd(urlJob), farm.waitForEnd(probeJob)])
    expect(urlEnd).toMatchObject({ state: 'completed', itemsDone: 2000, itemsFailed: 0 })
    expect(probeEnd).toMatchObject({ state: 'completed', itemsDone: 1000, itemsFailed: 0 })
    for (const [jobId, total] of [
      [urlJob, 2000],
      [probeJob, 1000],
    ] as const) {
      const keys = farm.store.items(jobId, { limit: 10_000, offset: 0 }).items.map((unit) => unit.key)
      expect(keys).toHaveLength(total)
      expect(duplicates(keys)).toEqual([])
    }
    const rows = await exportedRows(farm.store, urlJob, bed!.dir)
    expect(new Set(rows.map((r) => r.url))).toEqual(new Set(urls))
    expect(rows).toHaveLength(2000)
  }

  const remoteLog = (farm: Farm): string[] => {
    return farm.store.db.prepare("SELECT message FROM logs WHERE source = 'remote'").pluck().all() as string[]
  }

  it('a remote host killed with kill -9 mid-job: its batches go to the other host, every unit once', async () => {
    // The hosts' view of alpha comes with its heartbeats: on a loaded machine the batch seen there
    // may have ended before the kill, and then nothing moves and the test proves nothing. Such a
    // run still checks "every unit once", and the whole scenario goes again (three times at most).
    for (let attempt = 1; ; attempt++) {
      const { farm, urlJob, probeJob } = await startJobs()
      await underWay(farm, urlJob, probeJob)
      const alphaBusy = (): boolean =>
        farm
          .poolInfo()
          .some((p) => p.remoteHosts?.some((h) => h.name === 'alpha' && h.workers.some((w) => w.batch !== null)))
      await until(alphaBusy, 'alpha on a batch', 60_000)
      await bed!.hosts[0]!.kill9()
      await expectExactlyOnce(farm, urlJob, probeJob)
      const alpha = farm
        .poolInfo()
        .find((p) => p.name === 'cpu')!
        .remoteHosts!.find((h) => h.name === 'alpha')
      expect(alpha?.state ?? 'gone').toMatch(/stale|gone/)
      // Moved on by BullMQ's stalled check, or (stalled too often, on a loaded machine) given up and re-queued by the farm.
      const moved = remoteLog(farm).some((line) =>
        /stalled: its host stopped answering|was lost on its remote host/.test(line),
      )
      if (moved || attempt === 3) return expect(moved).toBe(true)
      await bed!.clear()
      await bed!.redis.stop()
      bed = null
    }
  }, 400_000)

  it('Redis restarting mid-job (losing every queued batch): farm and hosts reconnect, every unit once', async () => {
    const { farm, urlJob, probeJob } = await startJobs()
    await underWay(farm, urlJob, probeJob)
    await bed!.redis.kill()
    await bed!.redis.launch()
    await expectExactlyOnce(farm, urlJob, probeJob)
    expect(bed!.hosts.every((h) => h.child.exitCode === null)).toBe(true)
    expect(remoteLog(farm).some((line) => /no longer in Redis/.test(line))).toBe(true)
  }, 180_000)
})
