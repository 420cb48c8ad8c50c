import { afterEach, describe, expect, it } from 'vitest'
import type { Farm } from '../../src/core/farm'
import type { MachineReading } from '../../src/core/machine-room'
import { openTestFarm, until } from '../support/test-farm'

let cleanup: (() => Promise<void>) | undefined
afterEach(async () => {
  await cleanup?.()
  cleanup = undefined
})

const GiB = 1024 ** 3

/** A farm whose machine reading the test sets: plenty of memory and idle CPU unless it says otherwise. */
function farmWithMachine(reading: MachineReading): Farm {
  const t = openTestFarm({ readMachine: () => ({ ...reading }), tickMs: 50 })
  cleanup = async () => {
    await t.farm.shutdown('now')
    t.dir.remove()
  }
  return t.farm
}

const cpuPool = (farm: Farm) => farm.poolInfo().find((p) => p.name === 'cpu')!

describe('an autoscaled pool follows the queue (real workers)', () => {
  it('grows from 1 to its maximum while 200 slow units wait, never past it, and shrinks after the idle while', async () => {
    const farm = farmWithMachine({ freeMemoryBytes: 16 * GiB, idleCores: 2 })
    farm.resizePool('cpu', 1)
    farm.autoscalePool('cpu', { min: 1, max: 3, idleSeconds: 1 })
    expect(cpuPool(farm).size).toBe(1)
    const id = await farm.create({ kind: 'probe', count: 200, sleepMs: 40 })
    const reasons: string[] = []
    let most = 0
    const look = (): void => {
      const pool = cpuPool(farm)
      most = Math.max(most, pool.size, pool.workers.filter((w) => w.state !== 'stopping').length)
      if (reasons.at(-1) !== pool.sizeReason) reasons.push(pool.sizeReason!)
    }
    const watch = setInterval(look, 10)
    try {
      await until(() => cpuPool(farm).size === 3, 'the pool to reach its maximum', 60_000)
      const end = await farm.waitForEnd(id)
      expect([end.state, end.itemsDone]).toEqual(['completed', 200])
      await until(() => cpuPool(farm).size === 1, 'the pool to shrink back after the idle while', 60_000)
    } finally {
      clearInterval(watch)
    }
    look() // the last change, which the wait above may have seen first
    expect(most).toBe(3)
    expect(reasons).toContainEqual(expect.stringMatching(/^grew: \d+ units waiting$/))
    expect(reasons).toContainEqual(expect.stringMatching(/^at maximum: \d+ units? waiting$/))
    expect(reasons).toContainEqual(expect.stringMatching(/^shrank: idle \d+ s$/))
    expect(cpuPool(farm).autoscale).toEqual({ min: 1, max: 3, idleSeconds: 1 })
  }, 120_000)

  it('holds when the CPUs are busy, and says so', async () => {
    const farm = farmWithMachine({ freeMemoryBytes: 16 * GiB, idleCores: 0 })
    farm.resizePool('cpu', 1)
    farm.autoscalePool('cpu', { min: 1, max: 3, idleSeconds: 1 })
    const id = await farm.create({ kind: 'probe', count: 60, sleepMs: 40 })
    await until(() => /^held: .*the CPUs are busy/.test(cpuPool(farm).sizeReason!), 'the pool to hold', 60_000)
    expect(cpuPool(farm).size).toBe(1)
    farm.cancel(id)
    await farm.waitForEnd(id)
  }, 120_000)

  it('recycles each worker after N tasks (maxtasksperchild as a pool setting)', async () => {
    const farm = farmWithMachine({ freeMemoryBytes: 16 * GiB, idleCores: 2 })
    farm.resizePool('cpu', 1)
    farm.recyclePool('cpu', 2)
    const id = await farm.create({ kind: 'probe', count: 8, sleepMs: 30 })
    expect((await farm.waitForEnd(id)).state).toBe('completed')
    const pids = new Set(
      farm.store.items(id, { limit: 8, offset: 0 }).items.map((i) => (i.result as { pid: number }).pid),
    )
    // One worker at a time, replaced every 2 tasks (a task takes at least one unit): several processes.
    expect(pids.size).toBeGreaterThan(1)
    expect(cpuPool(farm).maxTasksPerWorker).toBe(2)
  }, 120_000)
})

describe('adapting settings are kept in the history', () => {
  it('a farm opened later on the same history has the bounds, the recycle count and the farm-wide --memfree', async () => {
    const { createApiHandlers } = await import('../../src/core/api-handlers')
    const first = openTestFarm({ readMachine: () => ({ freeMemoryBytes: 16 * GiB, idleCores: 2 }) })
    const api = createApiHandlers(first.farm)
    await api.handle('pools.autoscale', { pool: 'network', autoscale: { min: 2, max: 5, idleSeconds: 12 } }, 'local')
    await api.handle('pools.recycle', { pool: 'cpu', tasks: 7 }, 'local')
    await api.handle('settings.set', { memfreeBytes: GiB }, 'local')
    await api.handle('settings.set', { whenQueueEmpty: { notify: true, run: 'true' } }, 'local')
    await api.handle('settings.set', { theme: 'dark' }, 'local') // a later change of something else keeps them
    await first.farm.shutdown('now')
    const second = openTestFarm({}, first.dir)
    cleanup = async () => {
      await second.farm.shutdown('now')
      first.dir.remove()
    }
    const pools = second.farm.poolInfo()
    expect(pools.find((p) => p.name === 'network')!.autoscale).toEqual({ min: 2, max: 5, idleSeconds: 12 })
    expect(pools.find((p) => p.name === 'cpu')!.maxTasksPerWorker).toBe(7)
    expect(second.farm.memfreeBytes).toBe(GiB)
    const settings = await createApiHandlers(second.farm).handle('settings.get', {}, 'local')
    expect([settings.memfreeBytes, settings.poolRecycle?.cpu, settings.theme]).toEqual([GiB, 7, 'dark'])
    // Not reset to its default by the theme's change (zod 4 fills defaults in inside `.partial()`).
    expect(settings.whenQueueEmpty).toEqual({ notify: true, run: 'true' })
  }, 60_000)
})
