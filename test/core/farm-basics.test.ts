import { afterEach, describe, expect, it } from 'vitest'
import type { Farm } from '../../src/core/farm'
import { openTestFarm } from '../support/test-farm'

let cleanup: (() => Promise<void>) | undefined
afterEach(async () => {
  await cleanup?.()
  cleanup = undefined
})

function farmForTest(...args: Parameters<typeof openTestFarm>): Farm {
  const t = openTestFarm(...args)
  cleanup = async () => {
    await t.farm.shutdown('now')
    t.dir.remove()
  }
  return t.farm
}

describe('a farm running probe jobs on real worker processes', () => {
  it('plans, runs every item once and records results in SQLite', async () => {
    const farm = farmForTest()
    const id = await farm.create({ kind: 'probe', count: 2500 })
    const end = await farm.waitForEnd(id)
    expect(end.state).toBe('completed')
    expect(end.itemsDone).toBe(2500)
    const { items, total } = farm.store.items(id, { limit: 3, offset: 2497 })
    expect(total).toBe(2500)
    expect(items.map((i) => (i.result as { square: number }).square)).toEqual([2497 ** 2, 2498 ** 2, 2499 ** 2])
    const pids = new Set(
      farm.store.items(id, { limit: 2500, offset: 0 }).items.map((i) => (i.result as { pid: number }).pid),
    )
    // Run in worker processes, never in the farmer. How the items spread over the two workers depends
    // on how fast the second one starts, so it is not asserted here (fairness tests cover spreading).
    expect(pids.has(process.pid)).toBe(false)
    expect(pids.size).toBeGreaterThanOrEqual(1)
  })

  it('fails items that keep failing and ends completed-with-errors', async () => {
    const farm = farmForTest()
    const id = await farm.create({ kind: 'probe', count: 50, failOn: [7, 9] })
    const end = await farm.waitForEnd(id)
    expect(end.state).toBe('completed-with-errors')
    expect(end.itemsFailed).toBe(2)
    const failed = farm.store.items(id, { state: 'failed', limit: 10, offset: 0 }).items
    expect(failed.map((i) => [i.key, i.attempts])).toEqual([
      ['#7', 3],
      ['#9', 3],
    ])
    expect(failed[0]!.error).toContain('told to fail')
  })

  it('refuses a bad spec with a clear message', async () => {
    const farm = farmForTest()
    await expect(farm.create({ kind: 'probe', count: -1 })).rejects.toThrow(/too small|>=0|greater/i)
    await expect(farm.create({ kind: 'nope' })).rejects.toThrow(/kind/)
  })
})
