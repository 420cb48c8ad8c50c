import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { childProcessLauncher } from '../../src/core/child-process-worker'
import { Farm } from '../../src/core/farm'
import { tempDir, until, workerEntry } from '../support/test-farm'

const dirs: ReturnType<typeof tempDir>[] = []
afterEach(() => dirs.splice(0).forEach((d) => d.remove()))

function open(dbPath: string): Farm {
  return new Farm({
    dbPath,
    launcher: childProcessLauncher(workerEntry),
    cancelGraceMs: 1000,
    pools: { cpu: { size: 2, stopGraceMs: 1000 } },
  })
}
const pidsOf = (farm: Farm, jobId: number) =>
  farm.store
    .items(jobId, { state: 'done', limit: 10_000, offset: 0 })
    .items.map((i) => (i.result as { pid: number }).pid)

describe('recovery', () => {
  it('reopens a farm closed mid-job with the job interrupted, and resume runs only what was left', async () => {
    const dir = tempDir()
    dirs.push(dir)
    const dbPath = join(dir.path, 'history.sqlite')
    const first = open(dbPath)
    const id = await first.create({ kind: 'probe', count: 120, sleepMs: 15 })
    await until(() => first.summary(id).itemsDone >= 20, 'some progress')
    await first.shutdown('graceful')

    const second = open(dbPath)
    try {
      const before = second.summary(id)
      expect(before.state).toBe('interrupted')
      expect(before.itemsDone).toBeGreaterThanOrEqual(20)
      expect(before.itemsDone).toBeLessThan(120)
      const firstPids = new Set(pidsOf(second, id))
      second.resume(id)
      const end = await second.waitForEnd(id)
      expect([end.state, end.itemsDone, end.itemsFailed]).toEqual(['completed', 120, 0])
      // Items finished before the stop kept their results: only the rest ran on the new workers.
      const ranAgain = pidsOf(second, id).filter((pid) => !firstPids.has(pid))
      expect(ranAgain.length).toBe(120 - before.itemsDone)
      expect(second.store.timeline(id).map((t) => t.state)).toEqual([
        'queued',
        'running',
        'interrupted',
        'running',
        'completed',
      ])
    } finally {
      await second.shutdown()
    }
  })

  it('retry re-runs only the failed items', async () => {
    const dir = tempDir()
    dirs.push(dir)
    const farm = open(join(dir.path, 'h.sqlite'))
    try {
      const id = await farm.create({ kind: 'probe', count: 40, failOn: [5] })
      expect((await farm.waitForEnd(id)).state).toBe('completed-with-errors')
      expect(() => farm.resume(id)).toThrow(/use retry/)
      const donePids = pidsOf(farm, id)
      farm.retry(id)
      const end = await farm.waitForEnd(id)
      // It fails again (the probe always fails item 5), but nothing else ran a second time.
      expect([end.state, end.itemsDone, end.itemsFailed]).toEqual(['completed-with-errors', 39, 1])
      expect(pidsOf(farm, id)).toEqual(donePids)
    } finally {
      await farm.shutdown()
    }
  })

  it('pauses and resumes a running job, and cancels a queued one', async () => {
    const dir = tempDir()
    dirs.push(dir)
    const farm = open(join(dir.path, 'h.sqlite'))
    try {
      const id = await farm.create({ kind: 'probe', count: 200, sleepMs: 5 })
      await until(() => farm.summary(id).itemsDone > 5, 'progress')
      farm.pause(id)
      await until(
        () => farm.summary(id).current.length === 0 && farm.poolInfo()[2]!.workers.every((w) => w.state !== 'busy'),
        'in-flight work to finish',
      )
      const paused = farm.summary(id).itemsDone
      await new Promise((r) => setTimeout(r, 150))
      expect(farm.summary(id).itemsDone).toBe(paused)
      farm.resume(id)
      expect((await farm.waitForEnd(id)).itemsDone).toBe(200)
      expect(() => farm.pause(id)).toThrow(/only a running or queued job/)
    } finally {
      await farm.shutdown()
    }
  })
})
