import { afterEach, describe, expect, it } from 'vitest'
import type { Farm } from '../../src/core/farm'
import { childProcessLauncher } from '../../src/core/child-process-worker'
import { openTestFarm, tempDir, until } from '../support/test-farm'
import { isProcessGone } from '../support/process-state'

const farms: { farm: Farm; remove(): void }[] = []
afterEach(async () => {
  for (const f of farms.splice(0)) {
    await f.farm.shutdown('now')
    f.remove()
  }
})

function farmForTest(...args: Parameters<typeof openTestFarm>): Farm {
  const t = openTestFarm(...args)
  farms.push({ farm: t.farm, remove: t.dir.remove })
  return t.farm
}

const cpuWorkers = (farm: Farm) => farm.poolInfo().find((p) => p.name === 'cpu')!.workers
const pidsOf = (farm: Farm, jobId: number) =>
  farm.store.items(jobId, { limit: 10_000, offset: 0 }).items.map((i) => (i.result as { pid: number } | null)?.pid)

describe('the farm survives its workers', () => {
  it('re-runs the items of a worker killed with SIGKILL and completes the job', async () => {
    const farm = farmForTest()
    const id = await farm.create({ kind: 'probe', count: 60, sleepMs: 30 })
    await until(() => farm.summary(id).itemsDone >= 6, 'some progress')
    const victim = cpuWorkers(farm).find((w) => w.state === 'busy')!
    process.kill(victim.pid!, 'SIGKILL')
    const end = await farm.waitForEnd(id)
    expect(end.state).toBe('completed')
    expect(end.itemsDone).toBe(60)
    // Every item has exactly one result, and the items the victim held were finished by other workers.
    const pids = pidsOf(farm, id)
    expect(pids.filter((pid) => pid === undefined)).toEqual([])
    expect(pids.filter((pid) => pid !== victim.pid).length).toBeGreaterThan(0)
    expect(cpuWorkers(farm).some((w) => w.restarts > 0)).toBe(true)
    const logs = farm.store.logs({ jobId: id, afterId: 0, minLevel: 'warn', limit: 100 })
    expect(logs.some((l) => l.message.includes('go back to the queue'))).toBe(true)
  })

  it('fails an item that always crashes its worker alone, after a bounded number of tries', async () => {
    const farm = farmForTest()
    const id = await farm.create({ kind: 'probe', count: 30, crashOn: [7] })
    const end = await farm.waitForEnd(id)
    expect(end.state).toBe('completed-with-errors')
    expect([end.itemsDone, end.itemsFailed]).toEqual([29, 1])
    const [failed] = farm.store.items(id, { state: 'failed', limit: 5, offset: 0 }).items
    expect(failed!.key).toBe('#7')
    expect(failed!.error).toMatch(/died 3 times/)
  })

  it('isolates the item that makes a whole batch fail, and counts each failure once', async () => {
    const farm = farmForTest({ pools: { cpu: { size: 1 } } })
    const id = await farm.create({ kind: 'probe', count: 40, throwOn: [3] })
    const end = await farm.waitForEnd(id)
    expect([end.state, end.itemsDone, end.itemsFailed]).toEqual(['completed-with-errors', 39, 1])
    const failed = farm.store.items(id, { state: 'failed', limit: 10, offset: 0 })
    expect([failed.total, failed.items[0]!.key, failed.items[0]!.error]).toEqual([1, '#3', 'probe item 3 threw'])
  })

  it('kills a worker hung in an item when its job is cancelled, after the grace period', async () => {
    const farm = farmForTest({ pools: { cpu: { size: 1 } } })
    const id = await farm.create({ kind: 'probe', count: 5, hangOn: [0] })
    await until(() => cpuWorkers(farm)[0]?.current === '#0', 'the worker to take the hanging item')
    const hungPid = cpuWorkers(farm)[0]!.pid
    farm.cancel(id)
    const end = await farm.waitForEnd(id)
    expect(end.state).toBe('cancelled')
    await until(() => isProcessGone(hungPid!), 'the hung worker to be gone', 10_000)
    const logs = farm.store.logs({ jobId: id, afterId: 0, minLevel: 'warn', limit: 100 })
    expect(logs.some((l) => l.message.includes('did not stop within'))).toBe(true)
  })

  it('ends a cancel whose clean-up hangs: its worker is killed after the limit, the job ends cancelled', async () => {
    const farm = farmForTest({ pools: { cpu: { size: 1 } }, cleanupLimitMs: 2000 })
    const id = await farm.create({ kind: 'probe', count: 1, sleepMs: 60_000, hangOnCleanup: true })
    await until(() => cpuWorkers(farm)[0]?.current === '#0', 'the worker to take the item')
    farm.cancel(id)
    await until(() => cpuWorkers(farm)[0]?.current === 'cleaning up', 'the clean-up to go out')
    const hungPid = cpuWorkers(farm)[0]!.pid
    expect(() => farm.cancel(id)).toThrow(/already being cancelled/)
    const end = await farm.waitForEnd(id)
    expect(end.state).toBe('cancelled')
    await until(() => isProcessGone(hungPid!), 'the hung worker to be gone', 10_000)
    const logs = farm.store.logs({ jobId: id, afterId: 0, minLevel: 'warn', limit: 100 })
    expect(logs.map((l) => l.message).join('\n')).toMatch(
      /clean-up after the cancel took over 2 s: its worker was killed/,
    )
  })

  it('puts worker output and crashes into the job log', async () => {
    const farm = farmForTest()
    const id = await farm.create({ kind: 'probe', count: 10, printOn: [3] })
    await farm.waitForEnd(id)
    await until(
      () => farm.store.logs({ jobId: id, afterId: 0, minLevel: 'info', text: 'says hello', limit: 5 }).length > 0,
      'the log line',
    )
    const [line] = farm.store.logs({ jobId: id, afterId: 0, minLevel: 'info', text: 'says hello', limit: 5 })
    expect(line!.source).toMatch(/^worker \d+$/)
  })

  it('fails jobs with the reason when workers cannot start at all, instead of hanging', async () => {
    const dir = tempDir()
    const farm = farmForTest({ launcher: childProcessLauncher(`${dir.path}/no-such-worker.js`) }, dir)
    const id = await farm.create({ kind: 'probe', count: 3 })
    const end = await farm.waitForEnd(id)
    expect(end.state).toBe('failed')
    expect(end.error).toMatch(/cpu pool cannot run: its workers fail to start/)
  })
})

describe('pools under load', () => {
  it('resizes up and down while busy, never killing a busy worker', async () => {
    const farm = farmForTest({ pools: { cpu: { size: 1 } } })
    const id = await farm.create({ kind: 'probe', count: 300, sleepMs: 10 })
    await until(() => farm.summary(id).itemsDone > 10, 'progress')
    farm.resizePool('cpu', 3)
    await until(() => cpuWorkers(farm).filter((w) => w.state === 'busy').length === 3, 'three busy workers')
    farm.resizePool('cpu', 1)
    await until(() => cpuWorkers(farm).length === 1, 'the pool to shrink to one')
    const end = await farm.waitForEnd(id)
    expect([end.state, end.itemsDone]).toEqual(['completed', 300])
    expect(new Set(pidsOf(farm, id)).size).toBeGreaterThanOrEqual(3)
    const warnings = farm.store.logs({ jobId: null, afterId: 0, minLevel: 'warn', limit: 100 })
    expect(warnings.filter((l) => /ended|died|killed/.test(l.message))).toEqual([])
  })

  it('lets a worker hold several tasks at once where its pool allows (network work mostly waits)', async () => {
    const farm = farmForTest({ pools: { cpu: { size: 1, tasksPerWorker: 3 } } })
    const id = await farm.create({ kind: 'probe', count: 12, sleepMs: 100 })
    await until(() => (farm.pool('cpu').workers[0]?.tasks.size ?? 0) === 3, 'three tasks in one worker')
    expect((await farm.waitForEnd(id)).itemsDone).toBe(12)
  })

  it('reports CPU and memory of busy workers where the host can read them', async () => {
    const farm = farmForTest({ pools: { cpu: { size: 1 } } })
    const id = await farm.create({ kind: 'probe', count: 40, sleepMs: 100 })
    await until(
      () => (cpuWorkers(farm)[0]?.memoryBytes ?? 0) > 10_000_000 && cpuWorkers(farm)[0]?.cpuPercent !== null,
      'a usage sample',
    )
    farm.cancel(id)
    await farm.waitForEnd(id)
  })

  it('recycles a worker after N tasks, like maxtasksperchild', async () => {
    const farm = farmForTest({ pools: { cpu: { size: 2, maxTasksPerWorker: 2 } } })
    const id = await farm.create({ kind: 'probe', count: 40, sleepMs: 5 })
    const end = await farm.waitForEnd(id)
    expect(end.state).toBe('completed')
    expect(new Set(pidsOf(farm, id)).size).toBeGreaterThan(2)
    expect(cpuWorkers(farm).every((w) => w.tasksDone <= 2)).toBe(true)
  })

  it('shares one pool fairly between two running jobs', async () => {
    const farm = farmForTest()
    const a = await farm.create({ kind: 'probe', count: 200, sleepMs: 5 })
    const b = await farm.create({ kind: 'probe', count: 200, sleepMs: 5 })
    const first = await Promise.race([farm.waitForEnd(a), farm.waitForEnd(b)])
    const other = farm.summary(first.id === a ? b : a)
    expect(other.itemsDone / other.itemsTotal).toBeGreaterThan(0.6)
    await Promise.all([farm.waitForEnd(a), farm.waitForEnd(b)])
  })

  it('runs higher priority jobs first when the pool is full', async () => {
    const farm = farmForTest({ pools: { cpu: { size: 1, maxRunningJobs: 1 } } })
    const blocker = await farm.create({ kind: 'probe', count: 20, sleepMs: 5 })
    const low = await farm.create({ kind: 'probe', count: 1 }, { priority: 0 })
    const high = await farm.create({ kind: 'probe', count: 1 }, { priority: 5 })
    expect(farm.summary(low).state).toBe('queued')
    await farm.waitForEnd(blocker)
    const [h, l] = await Promise.all([farm.waitForEnd(high), farm.waitForEnd(low)])
    expect(h.finishedAt!).toBeLessThanOrEqual(l.startedAt!)
  })
})
