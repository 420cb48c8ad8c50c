import { afterEach, describe, expect, it, vi } from 'vitest'
import type { JobSummary } from '../../src/shared/api-types'
import { openTestFarm } from '../support/test-farm'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const clean of cleanups.splice(0).reverse()) await clean()
})

describe("the farmer keeps an active job's figures in memory", () => {
  it('publishes a running job on every tick without reading its row each time', async () => {
    const t = openTestFarm({ tickMs: 10, pools: { cpu: { size: 1 } } })
    cleanups.push(
      () => t.dir.remove(),
      () => t.farm.shutdown('now'),
    )
    const updates: JobSummary[] = []
    t.farm.events.on('job.updated', (job) => updates.push(job))
    const reads = vi.spyOn(t.farm.store, 'job')
    const id = await t.farm.create({ kind: 'probe', count: 40, sleepMs: 25 })
    const end = await t.farm.waitForEnd(id)
    expect(end.itemsDone).toBe(40)
    const running = updates.filter((u) => u.id === id && u.state === 'running')
    expect(running.length).toBeGreaterThan(20)
    // Each change of the stored row (start, plan, end…) is read once, not every tick's counters.
    expect(reads.mock.calls.filter(([jobId]) => jobId === id).length).toBeLessThan(running.length / 2)
    // The figures still move: the last running update saw most of the units done.
    expect(Math.max(...running.map((u) => u.itemsDone))).toBeGreaterThan(20)
  }, 60_000)
})
