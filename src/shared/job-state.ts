import { z } from 'zod'

/**
 * Every state a job can be in. `interrupted` means the farm stopped (crash, quit, Ctrl-C) mid-job;
 * `timed-out` that the job ran past its own deadline. Both keep their unfinished items for a resume.
 */
export const jobStates = [
  'queued',
  'running',
  'paused',
  'completed',
  'completed-with-errors',
  'failed',
  'cancelled',
  'interrupted',
  'timed-out',
] as const
export const jobStateSchema = z.enum(jobStates)
export type JobState = z.infer<typeof jobStateSchema>

/** States a job never leaves by itself; resume/retry/run-again start it anew. */
export const finishedStates: readonly JobState[] = ['completed', 'completed-with-errors', 'failed', 'cancelled']
export const isFinished = (s: JobState): boolean => finishedStates.includes(s)

/** States that can be resumed: the job still has unfinished items. */
export const resumableStates: readonly JobState[] = ['paused', 'interrupted', 'timed-out', 'queued']

export const itemStates = ['pending', 'done', 'failed'] as const
export const itemStateSchema = z.enum(itemStates)
export type ItemState = z.infer<typeof itemStateSchema>

export const logLevels = ['debug', 'info', 'warn', 'error'] as const
export const logLevelSchema = z.enum(logLevels)
export type LogLevel = z.infer<typeof logLevelSchema>
