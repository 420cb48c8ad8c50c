import type { JobState } from '../shared/job-state'

export const exitCodes = { ok: 0, failed: 1, badInput: 2, timedOut: 124, interrupted: 130 } as const

/** 0 completed, 1 failed / completed with errors / cancelled, 2 refused by its plan, 130 interrupted. */
export function exitCodeFor(state: JobState, errorCode: string | null = null): number {
  if (state === 'completed') return exitCodes.ok
  if (state === 'failed' && errorCode) return exitCodes.badInput
  if (state === 'interrupted' || state === 'paused') return exitCodes.interrupted
  return exitCodes.failed
}

let returned: number = exitCodes.ok

/**
 * Commands return their exit code (nothing means 0) instead of calling an exit function: this wraps
 * an action so `index.ts`, the one place that ends the process, can read what it returned.
 */
export function commandAction<A extends unknown[]>(
  run: (...args: A) => Promise<number | void> | number | void,
): (...args: A) => Promise<void> {
  return async (...args) => {
    returned = (await run(...args)) ?? exitCodes.ok
  }
}

export const commandExitCode = (): number => returned
