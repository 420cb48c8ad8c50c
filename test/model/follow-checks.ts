import type { ModelJob } from './farm-model'
import { violated } from './farm-model'
import type { HistoryReader } from './history-reader'
import { graceMs, isEnded } from './job-rules'

/**
 * A job that follows another (`--after`, `--after-ok`): every time it left `waiting`, the job it
 * follows had finished by then (and, to run after `--after-ok`, had completed; to be skipped, had
 * not); and it never waits longer than the grace period once that job has finished.
 */
export function checkFollows(job: ModelJob, history: HistoryReader, now: number): void {
  if (!job.follows) return
  const { jobId, ok } = job.follows
  const name = `job ${job.id} (after${ok ? '-ok' : ''} ${jobId})`
  const before = history.timeline(jobId)
  const stateAt = (at: number): string => before.filter((e) => e.at <= at).at(-1)?.state ?? 'missing'
  const timeline = history.timeline(job.id)
  for (let i = 1; i < timeline.length; i++) {
    const { state: from } = timeline[i - 1]!
    const { state: to, at } = timeline[i]!
    if (from !== 'waiting' || to === 'waiting' || to === 'cancelled') continue
    const then = stateAt(at)
    if (!isEnded(then as never)) violated('follows', `${name} went ${to} while job ${jobId} was ${then}`)
    else if (to === 'queued' && ok && then !== 'completed')
      violated('follows', `${name} was released though job ${jobId} ended ${then}`)
    else if (to === 'skipped' && (!ok || then === 'completed'))
      violated('follows', `${name} was skipped though job ${jobId} ended ${then}`)
  }
  const last = before.at(-1)
  if (timeline.at(-1)?.state === 'waiting' && last && isEnded(last.state) && now - last.at > graceMs)
    violated('follows', `${name} still waits ${now - last.at} ms after job ${jobId} ended ${last.state}`)
}
