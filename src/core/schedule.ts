/** Runs `run` after `ms`; returns a cancel. Injected so tests drive time by hand. */
export type Schedule = (ms: number, run: () => void) => () => void

export const timerSchedule: Schedule = (ms, run) => {
  const timer = setTimeout(run, ms)
  return () => clearTimeout(timer)
}
