import * as z from 'zod'

/**
 * Every state a job can be in. `interrupted` means the farm stopped (crash, quit, Ctrl-C) mid-job;
 * `timed-out` that the job ran past its own deadline. Both keep their unfinished items for a resume.
 * `waiting`: the job follows other jobs (`--after`) that have not finished yet; `skipped`: it was to
 * run only if they completed without errors (`--after-ok`), and one did not.
 */
export const jobStates = [
  'waiting',
  'queued',
  'running',
  'paused',
  'completed',
  'completed-with-errors',
  'failed',
  'cancelled',
  'interrupted',
  'timed-out',
  'skipped',
] as const
export const jobStateSchema = z.enum(jobStates)
export type JobState = z.infer<typeof jobStateSchema>

/**
 * Finished: the job's work is over and `resume` has nothing to go on with; only `retry` (its failed or
 * undone units) or running it again starts it anew. What the controls ask (retry, run again, which
 * list the window shows a job in); waiters ask `hasEnded`.
 */
export const finishedStates: readonly JobState[] = [
  'completed',
  'completed-with-errors',
  'failed',
  'cancelled',
  'skipped',
]
export const isFinished = (s: JobState): boolean => finishedStates.includes(s)

/**
 * Ended: the job holds no worker and nothing will move it by itself (finished, or stopped as
 * `interrupted` / `timed-out` with units left for a `resume`). What every waiter asks: the farm's
 * `waitForEnd`, an attached CLI, `wait`, the window and the tray. `waiting`, `queued` and `paused`
 * have not ended: the first starts when the jobs it follows have finished, the second when its pool
 * has room, the third when someone resumes it.
 */
export const endedStates: readonly JobState[] = [...finishedStates, 'interrupted', 'timed-out']
export const hasEnded = (s: JobState): boolean => endedStates.includes(s)

/** Whether a waiter is done with the job: it has ended (`hasEnded`) and owes no cancel. */
export const summaryHasEnded = (job: { state: JobState; cancelling?: boolean }): boolean =>
  hasEnded(job.state) && !job.cancelling

/** States that can be resumed: the job still has unfinished items. */
export const resumableStates: readonly JobState[] = ['paused', 'interrupted', 'timed-out']

export const itemStates = ['pending', 'done', 'failed'] as const
export const itemStateSchema = z.enum(itemStates)
export type ItemState = z.infer<typeof itemStateSchema>

export const logLevels = ['debug', 'info', 'warn', 'error'] as const
export const logLevelSchema = z.enum(logLevels)
export type LogLevel = z.infer<typeof logLevelSchema>
