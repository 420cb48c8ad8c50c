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

  it('says nothing (estimating) until the pace is known, and an early burst does not set it', () => {
    const meter = new ProgressMeter()
    // A `sleep 2`-like job: 6 units settle at once after 1 s, then one a second.
    meter.sample(0, 0, 0)
    meter.sample(1000, 6, 0)
    expect([meter.known, meter.itemRate, meter.eta(54, 0, 0)]).toEqual([false, 0, null])
    for (let t = 2000; t <= 12_000; t += 1000) meter.sample(t, 6 + (t - 1000) / 1000, 0)
    expect(meter.known).toBe(true)
    expect(meter.itemRate).toBeGreaterThan(0.9)
    expect(meter.itemRate).toBeLessThan(2)
  })

  it('blends units and bytes: small files first do not make a copy look like days', () => {
    const meter = new ProgressMeter()
    // 1,000 small files done in 10 s (1 MB), with 1,000 MB left in 10 big files.
    for (let t = 0; t <= 10_000; t += 500) meter.sample(t, t / 10, t * 100)
    const byBytesAlone = (1_000_000_000 / meter.byteRate) * 1000
    const blended = meter.eta(10, 1_000_000_000, 1_001_000_000)!
    expect(blended).toBeLessThan(byBytesAlone)
    expect(blended).toBeGreaterThan((10 / meter.itemRate) * 1000)
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
