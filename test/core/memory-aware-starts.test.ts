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

/** A farm on a fake machine: the test moves its free memory. */
function farmWithMachine(): { farm: Farm; machine: MachineReading } {
  const machine: MachineReading = { freeMemoryBytes: 16 * GiB, idleCores: 2 }
  const t = openTestFarm({ readMachine: () => ({ ...machine }), tickMs: 50 })
  cleanup = async () => {
    await t.farm.shutdown('now')
    t.dir.remove()
  }
  return { farm: t.farm, machine }
}

const logText = (farm: Farm, jobId: number): string =>
  farm.store
    .logs({ jobId, afterId: 0, minLevel: 'debug', limit: 1000 })
    .map((l) => l.message)
    .join('\n')

describe('--memfree: memory-aware starts (real workers)', () => {
  it('starts no unit while free memory is below the limit, says why, and finishes when memory returns', async () => {
    const { farm, machine } = farmWithMachine()
    machine.freeMemoryBytes = 1 * GiB
    const id = await farm.create({ kind: 'probe', count: 40, sleepMs: 5 }, { memfree: 2 * GiB })
    await until(() => farm.summary(id).planned && farm.summary(id).memoryWait != null, 'the job to wait for memory')
    expect(farm.summary(id).memoryWait).toEqual({ freeBytes: 1 * GiB, limitBytes: 2 * GiB })
    // A while with nothing allowed to happen: no unit may start.
    await new Promise((r) => setTimeout(r, 1500))
    expect([farm.summary(id).itemsDone, farm.summary(id).slotsInUse]).toEqual([0, 0])
    machine.freeMemoryBytes = 8 * GiB
    const end = await farm.waitForEnd(id)
    expect([end.state, end.itemsDone, end.memoryWait ?? null]).toEqual(['completed', 40, null])
    expect(logText(farm, id)).toMatch(/no new unit starts: 1\.00 GiB of memory free, below --memfree 2\.00 GiB/)
    expect(logText(farm, id)).toMatch(/memory is back/)
  }, 120_000)

  it('the farm-wide setting holds jobs that set no limit of their own', async () => {
    const { farm, machine } = farmWithMachine()
    farm.memfreeBytes = 2 * GiB
    machine.freeMemoryBytes = 1 * GiB
    const id = await farm.create({ kind: 'probe', count: 10 })
    await until(() => farm.summary(id).memoryWait != null, 'the job to wait for memory')
    machine.freeMemoryBytes = 8 * GiB
    expect((await farm.waitForEnd(id)).itemsDone).toBe(10)
  }, 120_000)

  it('far below the limit, stops the youngest task and queues its units again: every unit is done once', async () => {
    const { farm, machine } = farmWithMachine()
    const count = 60
    const id = await farm.create({ kind: 'probe', count, sleepMs: 100 }, { memfree: 2 * GiB })
    await until(() => farm.summary(id).itemsDone >= 4 && (farm.summary(id).slotsInUse ?? 0) > 0, 'units to run')
    machine.freeMemoryBytes = 0.5 * GiB // below half of --memfree
    await until(() => /stopped its youngest running task/.test(logText(farm, id)), 'a task to be stopped', 30_000)
    await until(() => farm.summary(id).slotsInUse === 0, 'the running units to stop or end', 30_000)
    const doneWhileShort = farm.summary(id).itemsDone
    machine.freeMemoryBytes = 8 * GiB
    const end = await farm.waitForEnd(id)
    expect([end.state, end.itemsDone, end.itemsFailed]).toEqual(['completed', count, 0])
    expect(doneWhileShort).toBeLessThan(count)
    // Per the history: each unit has one result, none was failed or retried.
    const { items } = farm.store.items(id, { limit: count, offset: 0 })
    expect(items.map((i) => (i.result as { square: number }).square).sort((a, b) => a - b)).toEqual(
      Array.from({ length: count }, (_, n) => n * n).sort((a, b) => a - b),
    )
    expect(items.every((i) => i.state === 'done')).toBe(true)
    expect(logText(farm, id)).not.toMatch(/trying again|died/)
  }, 120_000)

  it('never stops a command unit (side effects): it only holds new starts', async () => {
    const { farm, machine } = farmWithMachine()
    const id = await farm.create(
      {
        kind: 'command',
        command: [process.execPath, '-e', 'setTimeout(Boolean, 300)'],
        input: { type: 'list', values: ['a', 'b', 'c', 'd', 'e', 'f'] },
        jobs: 2,
      },
      { memfree: 2 * GiB },
    )
    await until(() => (farm.summary(id).slotsInUse ?? 0) > 0, 'a command to run')
    machine.freeMemoryBytes = 0.5 * GiB
    await until(() => farm.summary(id).memoryWait != null, 'the job to wait for memory')
    await new Promise((r) => setTimeout(r, 1500))
    expect(logText(farm, id)).not.toMatch(/stopped its youngest/)
    machine.freeMemoryBytes = 8 * GiB
    const end = await farm.waitForEnd(id)
    if (end.state !== 'completed') console.log(logText(farm, id))
    expect([end.state, end.itemsDone]).toEqual(['completed', 6])
  }, 120_000)
})
