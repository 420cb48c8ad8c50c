import type { JobSummary } from '../../shared/api-types'

/**
 * The value for `BrowserWindow.setProgressBar`: the running jobs' combined progress in 0..1,
 * `2` (indeterminate) while they are still being planned, `-1` to hide the bar.
 */
export function taskbarProgress(jobs: readonly JobSummary[]): {
  value: number
  mode: 'none' | 'normal' | 'indeterminate' | 'paused'
} {
  const running = jobs.filter((j) => j.state === 'running')
  if (running.length === 0) {
    return jobs.some((j) => j.state === 'paused')
      ? { value: progressOf(jobs.filter((j) => j.state === 'paused')), mode: 'paused' }
      : { value: -1, mode: 'none' }
  }
  if (running.some((j) => !j.planned || j.itemsTotal === 0)) return { value: 2, mode: 'indeterminate' }
  return { value: progressOf(running), mode: 'normal' }
}

/** Bytes when every job counts bytes (a big file weighs more than a small one), items otherwise. */
function progressOf(jobs: readonly JobSummary[]): number {
  const byBytes = jobs.every((j) => j.bytesTotal > 0)
  const done = jobs.reduce((n, j) => n + (byBytes ? j.bytesDone : j.itemsDone + j.itemsFailed), 0)
  const total = jobs.reduce((n, j) => n + (byBytes ? j.bytesTotal : j.itemsTotal), 0)
  return total > 0 ? Math.min(1, done / total) : 0
}
