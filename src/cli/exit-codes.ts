import type { JobState } from '../shared/job-state'

export const exitCodes = { ok: 0, failed: 1, badInput: 2, interrupted: 130 } as const

/** 0 completed, 1 failed / completed with errors / cancelled, 2 refused by its plan, 130 interrupted. */
export function exitCodeFor(state: JobState, errorCode: string | null = null): number {
  if (state === 'completed') return exitCodes.ok
  if (state === 'failed' && errorCode) return exitCodes.badInput
  if (state === 'interrupted' || state === 'paused') return exitCodes.interrupted
  return exitCodes.failed
}
