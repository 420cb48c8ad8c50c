import type { JobSummary, PoolInfo } from '../shared/api-types'
import { waitingCommand, waitingReason } from '../shared/job-waiting-reason'
import type { CliContext } from './cli-context'

/** The pools of the farm that runs on this history, or none when no farm runs (nothing to wait on then). */
export async function livePools(cli: CliContext): Promise<PoolInfo[]> {
  const owner = await cli.owner()
  return owner ? owner.call('pools.list', {}) : []
}

/**
 * The job as the live farm sees it where the history cannot say: whether it waits for memory
 * (`--memfree`). Unchanged when no farm runs or the job is not active.
 */
export async function withLiveWait<J extends JobSummary>(cli: CliContext, job: J): Promise<J> {
  if (job.state !== 'running') return job
  const owner = await cli.owner()
  if (!owner) return job
  const live = await owner.call('jobs.get', { jobId: job.id }).catch(() => null)
  return live?.memoryWait ? { ...job, memoryWait: live.memoryWait } : job
}

/** "waiting: pool cpu is closed — Reopen: task-farm pools resume cpu", or null when the job moves. */
export function waitingLine(job: JobSummary, pools: PoolInfo[]): string | null {
  const reason = waitingReason(
    job,
    pools.find((p) => p.name === job.pool),
  )
  if (!reason) return null
  const command = waitingCommand(reason, job)
  return command ? `${reason.text} — ${reason.actionLabel}: ${command}` : reason.text
}
