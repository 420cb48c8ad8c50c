import type { JobLink, JobSummary, PoolInfo } from './api-types'
import { formatBytes } from './format'
import { resumableStates } from './job-state'

/** What a person can do about a wait: the button (window) or the command (CLI) that ends it. */
export type WaitingAction = 'reopen-pool' | 'resume-pool' | 'resume-job'

export interface WaitingReason {
  /** One line: "waiting: pool cpu is closed". */
  text: string
  action: WaitingAction | null
  /** The button's words, and what the CLI prints after a dash. */
  actionLabel: string | null
}

type JobFacts = Pick<JobSummary, 'state' | 'pool' | 'after' | 'memoryWait'>
type PoolFacts = Pick<PoolInfo, 'name' | 'closed' | 'paused' | 'maxRunningJobs' | 'runningJobs' | 'workers'>

/**
 * Why a job that has not ended does not move, from the job and its pool alone; null when it moves (or
 * has ended with nothing to wait for). Shared so the window (live, from its pool store) and the CLI
 * (`show`, `jobs`) say the same sentence.
 */
export function waitingReason(job: JobFacts, pool: PoolFacts | undefined): WaitingReason | null {
  const name = job.pool
  if (job.state === 'waiting') return { text: followsText(job.after ?? []), action: null, actionLabel: null }
  if (job.state === 'paused') return { text: 'paused', action: 'resume-job', actionLabel: 'Resume' }
  if (job.state === 'interrupted' || job.state === 'timed-out')
    return {
      text: `${job.state}: its unfinished items are kept`,
      action: 'resume-job',
      actionLabel: 'Resume',
    }
  if (job.state !== 'running' && job.state !== 'queued') return null
  if (job.memoryWait)
    return {
      text: `waiting: ${formatBytes(job.memoryWait.freeBytes)} of memory free, below --memfree ${formatBytes(job.memoryWait.limitBytes)}; units start when memory returns`,
      action: null,
      actionLabel: null,
    }
  if (!pool) return null
  // A closed pool lets its running jobs finish on the workers it has; with none left (terminated), they wait.
  const closedUnderIt = pool.closed && (job.state === 'queued' || pool.workers.length === 0)
  if (closedUnderIt) return { text: `waiting: pool ${name} is closed`, action: 'reopen-pool', actionLabel: 'Reopen' }
  if (pool.paused) return { text: `waiting: pool ${name} is paused`, action: 'resume-pool', actionLabel: 'Resume pool' }
  if (job.state === 'queued' && pool.runningJobs >= pool.maxRunningJobs)
    return {
      text: `waiting: pool ${name} runs ${pool.maxRunningJobs} job${pool.maxRunningJobs === 1 ? '' : 's'} at once; this one starts when one ends`,
      action: null,
      actionLabel: null,
    }
  return null
}

/**
 * "waiting for job 3 (running) to end, job 4 (queued) to complete without errors". A job that stopped
 * and may still be resumed (paused, interrupted, timed out) holds its followers until it is resumed
 * or cancelled: the text says so, as `timed-out` alone reads like an end.
 */
export function followsText(after: JobLink[]): string {
  if (after.length === 0) return 'waiting for other jobs to end'
  const one = (l: JobLink): string => {
    const waits = `job ${l.jobId} (${l.state ?? 'removed'}`
    if (l.state && resumableStates.includes(l.state)) return `${waits}: resume or cancel it)`
    return `${waits}) to ${l.ok ? 'complete without errors' : 'end'}`
  }
  return `waiting for ${after.map(one).join(', ')}`
}

/** The CLI's words for the action: the command that ends the wait. */
export function waitingCommand(reason: WaitingReason, job: Pick<JobSummary, 'id' | 'pool'>): string | null {
  if (reason.action === 'reopen-pool' || reason.action === 'resume-pool') return `task-farm pools resume ${job.pool}`
  if (reason.action === 'resume-job') return `task-farm resume ${job.id}`
  return null
}
