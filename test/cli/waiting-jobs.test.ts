import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { tempDir } from '../support/test-farm'
import { cli, startServe, type Served } from './served-farm'

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function servedFarm(): Promise<{ db: string; served: Served }> {
  const dir = tempDir('task-farm-waiting-')
  cleanups.push(() => dir.remove())
  const db = join(dir.path, 'history.sqlite')
  const served = await startServe(db, dir.path)
  cleanups.push(() => served.stop('SIGKILL'))
  return { db, served }
}

describe('a job that cannot progress says why in `show` and `jobs`', () => {
  it('terminate: the job waits on its closed pool, says the command, and goes on after `pools resume`', async () => {
    const { db } = await servedFarm()
    const detached = await cli(db, ['probe', '--count', '4000', '--sleep-ms', '5', '--detach'])
    expect(detached.code).toBe(0)
    const id = detached.out.trim()
    const terminated = await cli(db, ['pools', 'terminate', 'cpu'])
    expect(terminated.out).toMatch(/pool is closed: its jobs keep their unfinished items and wait until/)
    const show = await cli(db, ['show', id])
    expect(show.out).toContain('Waiting:  waiting: pool cpu is closed — Reopen: task-farm pools resume cpu')
    const jobs = await cli(db, ['jobs'])
    expect(jobs.out).toContain(`Job ${id} waiting: pool cpu is closed — Reopen: task-farm pools resume cpu`)
    expect((await cli(db, ['pools', 'resume', 'cpu'])).code).toBe(0)
    const waited = await cli(db, ['wait', id, '--timeout', '60'], 90_000)
    expect([waited.code, waited.out]).toEqual([0, expect.stringMatching(/Completed job \d+: 4,000 of 4,000/)])
  }, 120_000)

  it('resizing a terminated pool reopens it, and says so', async () => {
    const { db } = await servedFarm()
    const id = (await cli(db, ['probe', '--count', '2000', '--sleep-ms', '5', '--detach'])).out.trim()
    await cli(db, ['pools', 'terminate', 'cpu'])
    const resized = await cli(db, ['pools', 'resize', 'cpu', '2'])
    expect(resized.out).toBe('The cpu pool was closed: it is reopened with 2 workers.\n')
    // Without the reopen, the job would wait for ever: `wait` would time out (124).
    expect((await cli(db, ['wait', id, '--timeout', '60'], 90_000)).code).toBe(0)
  }, 120_000)

  it('a paused job says how to go on', async () => {
    const { db } = await servedFarm()
    const id = (await cli(db, ['probe', '--count', '4000', '--sleep-ms', '5', '--detach'])).out.trim()
    expect((await cli(db, ['pause', id])).code).toBe(0)
    expect((await cli(db, ['show', id])).out).toContain(`Waiting:  paused — Resume: task-farm resume ${id}`)
    expect((await cli(db, ['cancel', id])).code).toBe(0)
  }, 120_000)
})

describe('a cancel whose clean-up has not ended', () => {
  it('shows as cancelling in `jobs` and `show`, not as over', async () => {
    const dir = tempDir('task-farm-cancelling-')
    cleanups.push(() => dir.remove())
    const db = join(dir.path, 'history.sqlite')
    expect((await cli(db, ['probe', '--count', '3'])).code).toBe(0)
    // What a farm killed during a cancel's clean-up leaves: the cancel accepted, owed still.
    const history = new Database(db)
    history.prepare(`UPDATE jobs SET state = 'cancelled', cancel_asked_at = ? WHERE id = 1`).run(Date.now())
    history.close()
    const jobs = await cli(db, ['jobs'])
    expect(jobs.out).toMatch(/^1\s+cancelling\s/m)
    expect((await cli(db, ['show', '1'])).out).toContain('State:    cancelling (its clean-up is running)')
  }, 120_000)
})
