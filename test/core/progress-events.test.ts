import { describe, expect, it } from 'vitest'
import { historyPath, userDataDir } from '../../src/core/paths'
import { ProgressMeter } from '../../src/core/progress-meter'
import { openTestFarm } from '../support/test-farm'

describe('progress reaches the UI coalesced', () => {
  it('emits about ten updates a second per job, not one per item', async () => {
    const { farm, dir } = openTestFarm({ tickMs: 100 })
    try {
      let updates = 0
      let logs = 0
      let id = 0
      farm.events.on('job.updated', (job) => job.id === id && updates++)
      farm.events.on('job.log', () => logs++)
      const started = Date.now()
      id = await farm.create({ kind: 'probe', count: 60_000 })
      const end = await farm.waitForEnd(id)
      const ticks = Math.ceil((Date.now() - started) / 100)
      expect(end.itemsDone).toBe(60_000)
      // One update per tick at most, plus the few state changes that are published as they happen.
      expect(updates).toBeLessThanOrEqual(ticks + 5)
      expect(logs).toBeLessThanOrEqual(ticks + 5)
    } finally {
      await farm.shutdown()
      dir.remove()
    }
  })
})

describe('rates and ETA', () => {
  it('follows a steady rate and estimates the time left from bytes when the job counts bytes', () => {
    const meter = new ProgressMeter()
    for (let t = 0; t <= 10_000; t += 100) meter.sample(t, t / 10, t * 1000)
    expect(meter.itemRate).toBeCloseTo(100, 5)
    expect(meter.byteRate).toBeCloseTo(1_000_000, 0)
    expect(meter.eta(500, 5_000_000, 20_000_000)).toBeCloseTo(5000, 0)
    expect(meter.eta(500, 0, 0)).toBeCloseTo(5000, 0)
    expect(new ProgressMeter().eta(10, 0, 0)).toBeNull()
  })
})

describe('where the history lives', () => {
  it('uses the folder the desktop app uses on each OS, unless told otherwise', () => {
    expect(userDataDir('linux', {}, '/home/ana')).toBe('/home/ana/.config/Task Farm')
    expect(userDataDir('linux', { XDG_CONFIG_HOME: '/x' }, '/home/ana')).toBe('/x/Task Farm')
    expect(userDataDir('darwin', {}, '/Users/ana')).toBe('/Users/ana/Library/Application Support/Task Farm')
    expect(userDataDir('win32', { APPDATA: 'C:\\Users\\ana\\AppData\\Roaming' }, 'C:\\Users\\ana')).toMatch(
      /Roaming.Task Farm$/,
    )
    expect(historyPath('/tmp/a.sqlite', { TASK_FARM_DB: '/tmp/b.sqlite' })).toBe('/tmp/a.sqlite')
    expect(historyPath(undefined, { TASK_FARM_DB: '/tmp/b.sqlite' })).toBe('/tmp/b.sqlite')
  })
})
