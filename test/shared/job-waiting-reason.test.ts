import { describe, expect, it } from 'vitest'
import type { JobLink, PoolInfo } from '../../src/shared/api-types'
import { followsText, waitingCommand, waitingReason } from '../../src/shared/job-waiting-reason'

const pool = (over: Partial<PoolInfo> = {}): PoolInfo => ({
  name: 'cpu',
  size: 2,
  paused: false,
  closed: false,
  maxRunningJobs: 3,
  maxTasksPerWorker: 0,
  tasksPerWorker: 1,
  runningJobs: 1,
  queuedJobs: 0,
  workers: [],
  ...over,
})
const worker = {
  id: 0,
  pid: 1,
  state: 'busy' as const,
  jobId: 1,
  current: null,
  tasksDone: 0,
  restarts: 0,
  cpuPercent: null,
  memoryBytes: null,
}

describe('why a job waits', () => {
  it('a running job on a terminated pool waits for Reopen, and the CLI names the command', () => {
    const reason = waitingReason({ state: 'running', pool: 'cpu' }, pool({ closed: true }))
    expect(reason).toEqual({ text: 'waiting: pool cpu is closed', action: 'reopen-pool', actionLabel: 'Reopen' })
    expect(waitingCommand(reason!, { id: 4, pool: 'cpu' })).toBe('task-farm pools resume cpu')
  })

  it('a running job on a closed pool that still has workers finishes: no wait', () => {
    expect(waitingReason({ state: 'running', pool: 'cpu' }, pool({ closed: true, workers: [worker] }))).toBeNull()
  })

  it('a queued job on a closed pool waits for Reopen', () => {
    expect(waitingReason({ state: 'queued', pool: 'cpu' }, pool({ closed: true, workers: [worker] }))?.action).toBe(
      'reopen-pool',
    )
  })

  it('a paused pool, a full pool, a paused job and an interrupted one each say so', () => {
    expect(waitingReason({ state: 'running', pool: 'cpu' }, pool({ paused: true }))?.text).toBe(
      'waiting: pool cpu is paused',
    )
    expect(waitingReason({ state: 'queued', pool: 'cpu' }, pool({ runningJobs: 3 }))?.text).toBe(
      'waiting: pool cpu runs 3 jobs at once; this one starts when one ends',
    )
    const paused = waitingReason({ state: 'paused', pool: 'cpu' }, undefined)!
    expect(paused.text).toBe('paused')
    expect(waitingCommand(paused, { id: 7, pool: 'cpu' })).toBe('task-farm resume 7')
    expect(waitingReason({ state: 'interrupted', pool: 'cpu' }, undefined)?.action).toBe('resume-job')
  })

  it('a job that moves, or has finished, says nothing', () => {
    expect(waitingReason({ state: 'running', pool: 'cpu' }, pool())).toBeNull()
    expect(waitingReason({ state: 'completed', pool: 'cpu' }, pool({ closed: true }))).toBeNull()
  })
})

describe('a job short of memory (--memfree)', () => {
  it('says how much is free and the limit; nothing to press, it starts when memory returns', () => {
    const GiB = 1024 ** 3
    const job = { state: 'running' as const, pool: 'cpu' as const, memoryWait: { freeBytes: GiB, limitBytes: 2 * GiB } }
    expect(waitingReason(job, pool())).toEqual({
      text: 'waiting: 1.00 GiB of memory free, below --memfree 2.00 GiB; units start when memory returns',
      action: null,
      actionLabel: null,
    })
    expect(waitingReason({ ...job, memoryWait: null }, pool())).toBeNull()
  })
})

describe('what a follower waits for', () => {
  it('names each job with its state, and says what to do when one stopped and may still be resumed', () => {
    expect(
      followsText([
        { jobId: 3, state: 'running', ok: false },
        { jobId: 4, state: 'queued', ok: true },
      ] as JobLink[]),
    ).toBe('waiting for job 3 (running) to end, job 4 (queued) to complete without errors')
    // A timed-out job reads like an end, but it holds its followers until it is resumed or cancelled.
    for (const state of ['timed-out', 'interrupted', 'paused'] as const)
      expect(followsText([{ jobId: 7, state, ok: false }] as JobLink[])).toBe(
        `waiting for job 7 (${state}: resume or cancel it)`,
      )
  })
})
