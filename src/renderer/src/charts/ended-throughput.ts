import type { JobRun } from '../../../shared/job-stats'
import type { JobSample } from '../stores/samples-store'

/**
 * An ended job's throughput from the history: its average rate over the time it ran, drawn over each
 * span it ran and at zero between them (paused, interrupted). A job of two seconds ended before the
 * live samples saw it move; the history knows when it ran and what it did.
 */
export function endedThroughput(ran: JobRun): {
  samples: JobSample[]
  ranMs: number
  itemRate: number
  byteRate: number
} {
  const spans = ran.spans.filter((s): s is { from: number; to: number } => s.to !== null)
  const ranMs = spans.reduce((sum, s) => sum + (s.to - s.from), 0)
  // A job that ended within the same millisecond still did its items: count it as one millisecond.
  const seconds = Math.max(ranMs, 1) / 1000
  const itemRate = ran.items / seconds
  const byteRate = ran.bytes / seconds
  const samples: JobSample[] = []
  const point = (at: number, on: boolean): void =>
    void samples.push({ at, itemRate: on ? itemRate : 0, byteRate: on ? byteRate : 0, endsAt: null })
  spans.forEach((span, i) => {
    const before = spans[i - 1]
    if (before && span.from - before.to > 2) {
      point(before.to + 1, false)
      point(span.from - 1, false)
    }
    point(span.from, true)
    point(Math.max(span.to, span.from + 1), true)
  })
  return { samples, ranMs, itemRate, byteRate }
}
