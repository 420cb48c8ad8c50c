import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ItemRow } from '../../src/shared/api-types'
import { CliContext } from '../../src/cli/cli-context'
import { followUnits } from '../../src/cli/unit-stream'
import { FarmEvents } from '../../src/core/farm-events'
import { JobStore } from '../../src/core/store/job-store'
import { openTestFarm } from '../support/test-farm'

let cleanup: (() => Promise<void>) | undefined
afterEach(async () => {
  await cleanup?.()
  cleanup = undefined
})

/** A farm (ended with the test) whose probe job of `count` units has finished: every unit is in the history. */
async function finishedJob(count: number): Promise<{ dbPath: string; jobId: number }> {
  const { farm, dbPath, dir } = openTestFarm()
  cleanup = async () => {
    await farm.shutdown('now')
    dir.remove()
  }
  const jobId = await farm.create({ kind: 'probe', count })
  await farm.waitForEnd(jobId)
  return { dbPath, jobId }
}

describe("the CLI's stream of a job's units", () => {
  it('reads the history when the farm says units were written, never on a timer alone', async () => {
    const { dbPath, jobId } = await finishedJob(30)
    const events = new FarmEvents()
    const shown: ItemRow[] = []
    const units = followUnits(new CliContext(() => ({ db: dbPath })), true, (item) => shown.push(item))
    units.start(jobId, events)
    // Every unit is in the history already; with no word from the farm nothing is read.
    await new Promise((r) => setTimeout(r, 700))
    expect(shown).toEqual([])

    events.emit('job.units', { jobId: jobId + 1 })
    expect(shown).toEqual([])
    events.emit('job.units', { jobId })
    expect(shown.map((unit) => unit.key)).toEqual(Array.from({ length: 30 }, (_, i) => `#${i}`))
    units.stop()
    expect(shown).toHaveLength(30)
  })

  it('reads at most every 50 ms however often the farm says it wrote, and shows every unit in the end', async () => {
    const { dbPath, jobId } = await finishedJob(40)
    const events = new FarmEvents()
    const shown: string[] = []
    const units = followUnits(new CliContext(() => ({ db: dbPath })), false, (item) => shown.push(item.key))
    units.start(jobId, events)
    const reads = vi.spyOn(JobStore.prototype, 'itemsAfter')
    // A job of quick commands commits, and says so, after every unit.
    for (let i = 0; i < 500; i++) events.emit('job.units', { jobId })
    expect(reads).toHaveBeenCalledTimes(1)
    await new Promise((r) => setTimeout(r, 120))
    expect(reads).toHaveBeenCalledTimes(2)
    units.stop()
    reads.mockRestore()
    expect(shown).toEqual(Array.from({ length: 40 }, (_, i) => `#${i}`))
  })

  it('is told by a running farm as its units reach the history', async () => {
    const { farm, dbPath, dir } = openTestFarm()
    cleanup = async () => {
      await farm.shutdown('now')
      dir.remove()
    }
    const written: number[] = []
    farm.events.on('job.units', ({ jobId }) => written.push(jobId))
    const jobId = await farm.create({ kind: 'probe', count: 200 })
    const shown: string[] = []
    const units = followUnits(new CliContext(() => ({ db: dbPath })), true, (item) => shown.push(item.key))
    units.start(jobId, farm.events)
    await farm.waitForEnd(jobId)
    expect(written).toContain(jobId)
    units.stop()
    expect(shown).toEqual(Array.from({ length: 200 }, (_, i) => `#${i}`))
  })
})
