import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { JobSummary } from '../../src/shared/api-types'
import type { Farm } from '../../src/core/farm'
import type { WorkerPool } from '../../src/core/worker-pool'
import { openTestFarm, tempDir, until } from '../support/test-farm'

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** Every transition the farm applied, as `from event→to`. */
type Seen = string[]

function farmForTest(seen: Seen = []): Farm {
  const t = openTestFarm({ onTransition: (_id, from, event, to) => seen.push(`${from} ${event}→${to}`) })
  cleanups.push(() => t.dir.remove())
  cleanups.push(() => t.farm.shutdown('now'))
  return t.farm
}

/** The job's end, or a failure once `ms` passed (a hang guard, not a timing assertion). */
function endOf(farm: Farm, jobId: number, ms = 30_000): Promise<JobSummary> {
  let timer: NodeJS.Timeout | undefined
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`job ${jobId} never ended: ${farm.summary(jobId).state}`)), ms)
  })
  return Promise.race([farm.waitForEnd(jobId), guard]).finally(() => clearTimeout(timer))
}

/** What the pool was told and told back, in order: task assignments (type, job) and task ends. */
function recordTasks(pool: WorkerPool): { type: string; jobId?: number; taskId: number }[] {
  const seen: { type: string; jobId?: number; taskId: number }[] = []
  const assign = pool.assign.bind(pool)
  const finished = pool.taskFinished.bind(pool)
  pool.assign = (worker, message, label) => {
    seen.push({ type: message.type, jobId: message.jobId, taskId: message.taskId })
    assign(worker, message, label)
  }
  pool.taskFinished = (worker, taskId, rss) => {
    seen.push({ type: 'ended', taskId })
    finished(worker, taskId, rss)
  }
  return seen
}

describe("a job's life on a real farm", () => {
  it('a pause that lands after every unit went out, then a resume, ends the job', async () => {
    const seen: Seen = []
    const farm = farmForTest(seen)
    const tasks = recordTasks(farm.pool('cpu'))
    const id = await farm.create({ kind: 'probe', count: 1, sleepMs: 2500 })
    await until(() => tasks.some((t) => t.type === 'run' && t.jobId === id), 'the only unit to go out')
    farm.pause(id)
    await until(() => farm.summary(id).itemsDone === 1, 'the unit in flight to finish while paused')
    expect(farm.summary(id).state).toBe('paused')
    farm.resume(id)
    const end = await endOf(farm, id)
    expect([end.state, end.itemsDone]).toEqual(['completed', 1])
    // It no longer holds a running-job place of its pool.
    expect(farm.poolInfo().find((p) => p.name === 'cpu')!.runningJobs).toBe(0)
    expect(seen).toEqual([
      'queued start→running',
      'running pause→paused',
      'paused resume→running',
      'running done→completed',
    ])
  }, 60_000)

  it('cancel of an interrupted copy runs its clean-up: no temporary file stays', async () => {
    const seen: Seen = []
    const farm = farmForTest(seen)
    const dir = tempDir()
    cleanups.push(() => dir.remove())
    const src = join(dir.path, 'src')
    mkdirSync(src)
    writeFileSync(join(src, 'f1'), Buffer.alloc(1024, 1))
    const dst = join(dir.path, 'dst')
    const id = await farm.create({ kind: 'copy', sources: [src], destination: dst })
    await farm.interrupt(id)
    expect(farm.summary(id).state).toBe('interrupted')
    // What a farm killed mid-copy leaves behind: a half-written file under its temporary name.
    mkdirSync(join(dst, 'src'), { recursive: true })
    const part = join(dst, 'src', `.f1.taskfarm-${id}.part`)
    writeFileSync(part, Buffer.alloc(512, 2))
    farm.cancel(id)
    // Its clean-up does not show it running again: it keeps its state, and says the cancel is under way.
    expect(farm.summary(id)).toMatchObject({ state: 'interrupted', cancelling: true })
    expect((await endOf(farm, id)).state).toBe('cancelled')
    expect(farm.summary(id).cancelling).toBe(false)
    expect(
      farm
        .detail(id)
        .timeline.map((t) => t.state)
        .slice(-2),
    ).toEqual(['interrupted', 'cancelled'])
    expect(existsSync(part)).toBe(false)
    expect(seen.slice(-3)).toEqual([
      'interrupting stopped→interrupted',
      'interrupted cancel→cancelling',
      'cancelling stopped→cancelled',
    ])
  }, 60_000)

  it('a cancel the farm stopped under is finished by the next farm to own the history', async () => {
    const dir = tempDir()
    cleanups.push(() => dir.remove())
    const first = openTestFarm({}, dir).farm
    const id = await first.create({ kind: 'probe', count: 1, sleepMs: 1 })
    first.pause(id)
    // The cancel is accepted; the farm stops before its clean-up ends it (as kill -9 would, or a quit).
    first.cancel(id)
    await first.shutdown('now')
    const second = openTestFarm({ autoStart: true }, dir).farm
    cleanups.push(() => second.shutdown('now'))
    expect((await endOf(second, id)).state).toBe('cancelled')
    expect(second.summary(id).cancelling).toBe(false)
  }, 60_000)

  it('resume on a warm pool sends one clean-up, and no run task before it has ended', async () => {
    const farm = farmForTest()
    const id = await farm.create({ kind: 'probe', count: 400, sleepMs: 10 })
    await until(() => farm.summary(id).itemsDone >= 20, 'some progress')
    await farm.interrupt(id)
    expect(farm.summary(id).state).toBe('interrupted')
    // The pool's workers are up and idle: a resume finds them at once.
    const tasks = recordTasks(farm.pool('cpu'))
    farm.resume(id)
    expect((await endOf(farm, id)).state).toBe('completed')
    const mine = tasks.filter((t) => t.type === 'ended' || t.jobId === id)
    const cleanupTasks = mine.filter((t) => t.type === 'cleanup')
    expect(cleanupTasks).toHaveLength(1)
    const cleanupEnded = mine.findIndex((t) => t.type === 'ended' && t.taskId === cleanupTasks[0]!.taskId)
    const firstRun = mine.findIndex((t) => t.type === 'run')
    expect(mine[0]!.type).toBe('cleanup')
    expect(cleanupEnded).toBeGreaterThan(0)
    expect(firstRun).toBeGreaterThan(cleanupEnded)
  }, 60_000)

  it('refuses a control the table does not allow, in one sentence, and changes nothing', async () => {
    const farm = farmForTest()
    const id = await farm.create({ kind: 'probe', count: 4, sleepMs: 1 })
    expect((await endOf(farm, id)).state).toBe('completed')
    await expect(farm.interrupt(id)).rejects.toThrow(
      /^Job 1 is completed: only a running, paused or queued job can be interrupted\.$/,
    )
    expect(() => farm.cancel(id)).toThrow(/^Job 1 is completed: only a/)
    expect(farm.summary(id).state).toBe('completed')
  }, 60_000)
})
