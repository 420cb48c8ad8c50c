import type { Schedule } from '../../src/core/schedule'

/** A hand-driven clock for the shell's timers: `advance(ms)` runs what became due. */
export function fakeSchedule(): { schedule: Schedule; advance: (ms: number) => void; pending: () => number } {
  let now = 0
  let timers: { at: number; run: () => void }[] = []
  return {
    schedule(ms, run) {
      const timer = { at: now + ms, run }
      timers.push(timer)
      return () => void (timers = timers.filter((t) => t !== timer))
    },
    advance(ms) {
      now += ms
      const due = timers.filter((t) => t.at <= now).sort((a, b) => a.at - b.at)
      timers = timers.filter((t) => t.at > now)
      for (const t of due) t.run()
    },
    pending: () => timers.length,
  }
}
