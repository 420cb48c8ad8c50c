import Database from 'better-sqlite3'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createApiHandlers } from '../../src/core/api-handlers'
import type { Farm } from '../../src/core/farm'
import { nextRun, parseAt } from '../../src/core/schedule-rule'
import { jobSpecSchema } from '../../src/shared/job-spec'
import { UserError } from '../../src/shared/user-error'
import { openTestFarm, tempDir, until } from '../support/test-farm'

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const lines = (file: string): string[] =>
  existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []

function farmIn(dir: ReturnType<typeof tempDir>, autoStart = false): Farm {
  const { farm } = openTestFarm({ autoStart }, dir)
  cleanups.push(() => farm.shutdown('now'))
  return farm
}

const quick = (values: string[]) =>
  jobSpecSchema.parse({ kind: 'command', command: ['true'], input: { type: 'list', values } })

describe('the actions when work ends', () => {
  it('an end recorded but whose action never ran (the farm killed in between) runs it at the next open, once', async () => {
    const dir = tempDir('task-farm-then-')
    cleanups.push(() => dir.remove())
    const out = join(dir.path, 'ends.txt')
    const first = farmIn(dir)
    const id = await first.create(quick(['a', 'b']), {
      then: { notify: false, run: `echo "$TASK_FARM_JOB_ID" >> ${out}` },
    })
    await first.waitForEnd(id)
    expect(first.detail(id).then).toMatchObject({ notify: false, run: expect.stringContaining('TASK_FARM_JOB_ID') })
    await first.shutdown()
    expect(lines(out)).toEqual([String(id)])

    // What a kill -9 between the job's end and its action leaves: the end in the history, no claim.
    const db = new Database(join(dir.path, 'history.sqlite'))
    db.prepare('DELETE FROM job_end_actions').run()
    db.close()
    const second = farmIn(dir)
    await until(() => lines(out).length === 2, 'the owed action', 20_000)
    await second.shutdown()
    const third = farmIn(dir)
    await third.shutdown()
    expect(lines(out)).toEqual([String(id), String(id)])
  }, 60_000)

  it('runs the queue-empty command of Settings once the last job has ended', async () => {
    const dir = tempDir('task-farm-empty-')
    cleanups.push(() => dir.remove())
    const out = join(dir.path, 'empty.txt')
    const farm = farmIn(dir)
    await createApiHandlers(farm).handle('settings.set', {
      whenQueueEmpty: { notify: true, run: `echo empty >> ${out}` },
    })
    let emptied = 0
    farm.events.on('queue.empty', () => emptied++)
    // The first job waits at a gate until the second exists: a loaded machine could otherwise end it
    // before the second is made, and the queue would rightly be empty twice.
    const gate = join(dir.path, 'gate')
    const gated = jobSpecSchema.parse({
      kind: 'command',
      command: ['sh', '-c', `while [ ! -e ${gate} ]; do sleep 0.02; done`],
      input: { type: 'list', values: ['a'] },
    })
    const ids = [await farm.create(gated), await farm.create(quick(['b', 'c']))]
    writeFileSync(gate, '')
    await Promise.all(ids.map((id) => farm.waitForEnd(id)))
    await farm.shutdown()
    expect(lines(out)).toEqual(['empty'])
    expect(emptied).toBe(1)
  }, 60_000)
})

describe('schedules in the history', () => {
  async function missedBy(policy: 'once' | 'skip'): Promise<{ jobs: number; nextRunAt: number | null }> {
    const dir = tempDir('task-farm-missed-')
    cleanups.push(() => dir.remove())
    const first = farmIn(dir, true)
    const made = await first.schedules.create(quick(['a']), {}, { every: '1h', missed: policy })
    await first.shutdown()
    // Ten hours without a farm.
    const db = new Database(join(dir.path, 'history.sqlite'))
    db.prepare('UPDATE schedules SET next_run_at = ?').run(Date.now() - 10 * 3_600_000)
    db.close()
    const second = farmIn(dir, true)
    if (policy === 'once') await until(() => second.list({ limit: 10, offset: 0 }).total > 0, 'the missed run', 20_000)
    else await new Promise((resolve) => setTimeout(resolve, 1000))
    const schedule = second.schedules.list().find((s) => s.id === made.id)!
    return { jobs: second.list({ limit: 10, offset: 0 }).total, nextRunAt: schedule.nextRunAt }
  }

  it('runs missed while no farm ran: once at start by default, none with skip; the next run is still to come', async () => {
    const once = await missedBy('once')
    expect(once.jobs).toBe(1)
    expect(once.nextRunAt).toBeGreaterThan(Date.now())
    const skip = await missedBy('skip')
    expect(skip.jobs).toBe(0)
    expect(skip.nextRunAt).toBeGreaterThan(Date.now())
  }, 60_000)

  it('a paused schedule starts nothing; a farm without the queue (a CLI run) starts none', async () => {
    const dir = tempDir('task-farm-paused-')
    cleanups.push(() => dir.remove())
    const farm = farmIn(dir, false)
    const made = await farm.schedules.create(quick(['a']), {}, { every: '1s', missed: 'once' })
    farm.schedules.setPaused(made.id, true)
    expect(farm.schedules.hasActive()).toBe(false)
    farm.schedules.setPaused(made.id, false)
    await new Promise((resolve) => setTimeout(resolve, 2500))
    expect(farm.list({ limit: 10, offset: 0 }).total).toBe(0)
  }, 30_000)
})

describe('schedule rules', () => {
  it('reads intervals and cron expressions, and HH:MM as the next such time', () => {
    const from = Date.parse('2026-12-05T10:00:00Z')
    expect(nextRun({ every: '10m', missed: 'once' }, from)).toBe(from + 600_000)
    expect(nextRun({ every: '1d', missed: 'once' }, from)).toBe(from + 86_400_000)
    expect(new Date(nextRun({ every: '*/15 * * * *', missed: 'once' }, from)!).getUTCMinutes()).toBe(15)
    expect(nextRun({ at: from, missed: 'once' }, from)).toBeNull()
    const now = new Date(2026, 11, 5, 10, 30).getTime()
    expect(new Date(parseAt('11:00', now)).getDate()).toBe(5)
    expect(new Date(parseAt('09:00', now)).getDate()).toBe(6)
    expect(() => parseAt('9 pm', now)).toThrow(UserError)
  })
})
