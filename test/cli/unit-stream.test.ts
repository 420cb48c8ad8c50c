import { afterEach, describe, expect, it } from 'vitest'
import type { ItemRow } from '../../src/shared/api-types'
import { CliContext } from '../../src/cli/cli-context'
import { followUnits } from '../../src/cli/unit-stream'
import { FarmEvents } from '../../src/core/farm-events'
import { openTestFarm } from '../support/test-farm'

let cleanup: (() => Promise<void>) | undefined
afterEach(async () => {
  await cleanup?.()
  cleanup = undefined
})

describe("the CLI's stream of a job's units", () => {
  it('reads the history when the farm says units were written, never on a timer', async () => {
    const { farm, dbPath, dir } = openTestFarm()
    cleanup = async () => {
      await farm.shutdown('now')
      dir.remove()
    }
    const jobId = await farm.create({ kind: 'probe', count: 30 })
    await farm.waitForEnd(jobId)

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
