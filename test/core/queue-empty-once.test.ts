import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import type { JobSummary } from '../../src/shared/api-types'
import { JobEndRunner } from '../../src/core/job-end-runner'
import { migrate } from '../../src/core/store/migrations'

const dbs: Database.Database[] = []
afterEach(() => dbs.splice(0).forEach((db) => db.close()))

/** A runner over an empty history whose jobs are what the test says, with the queue as it says. */
function runner(active: () => number) {
  const db = new Database(':memory:')
  dbs.push(db)
  migrate(db)
  const jobs = new Map<number, Partial<JobSummary>>()
  let emptied = 0
  const end = new JobEndRunner({
    db,
    summary: (id) => ({ id, state: 'completed', finishedAt: null, ...jobs.get(id) }) as JobSummary,
    log: () => undefined,
    queueEmptyAction: () => ({ notify: true, run: '' }),
    activeJobs: active,
    queueEmptied: () => emptied++,
  })
  const settle = () => new Promise((resolve) => setImmediate(resolve))
  return { end, jobs, emptied: () => emptied, settle }
}

describe('the queue empties once per emptying', () => {
  it('announces two jobs that end close together once', async () => {
    const r = runner(() => 0)
    r.jobs.set(1, { finishedAt: Date.now() })
    r.jobs.set(2, { finishedAt: Date.now() })
    r.end.jobEnded(1)
    r.end.jobEnded(2)
    await r.settle()
    expect(r.emptied()).toBe(1)
  })

  it('does not announce it again for an end whose news came after the emptying it was part of', async () => {
    const r = runner(() => 0)
    const at = Date.now() - 1000
    r.jobs.set(1, { finishedAt: at })
    r.jobs.set(2, { finishedAt: at })
    r.end.jobEnded(1)
    await r.settle()
    r.end.jobEnded(2) // ended with job 1, heard of later
    await r.settle()
    expect(r.emptied()).toBe(1)
    // A job that ends later empties the queue anew.
    r.jobs.set(3, { finishedAt: Date.now() + 1 })
    r.end.jobEnded(3)
    await r.settle()
    expect(r.emptied()).toBe(2)
  })

  it('says nothing while other jobs run or wait', async () => {
    const r = runner(() => 1)
    r.jobs.set(1, { finishedAt: Date.now() })
    r.end.jobEnded(1)
    await r.settle()
    expect(r.emptied()).toBe(0)
  })
})
