import type { LogLevel } from '../shared/job-state'
import type { JobEvent } from './job-transitions'
import type { JobRun } from './job-run'
import { hooksFor } from './kinds'

/**
 * When jobs created by this farm were created (their kind's deadline counts from then), and what each
 * kind's stop rule (deadline, `--halt`) says of a running job now. The farm's tick asks of every running
 * job; the lifecycle asks as a job starts, so a job released after its deadline has passed (a follower
 * that waited) ends timed out before its first task goes out, not one tick after.
 */
export class JobStopRules {
  readonly createdAt = new Map<number, number>()

  constructor(
    private readonly d: {
      apply(jobId: number, event: JobEvent, detail: { error: string }): void
      log(jobId: number, level: LogLevel, source: string, message: string): void
    },
  ) {}

  /** Ends the job when its stop rule says so; true when it did. Its unfinished units stay pending for a resume. */
  stopIfDue(run: JobRun, now: number): boolean {
    const rule = hooksFor(run.spec).stopRule
    if (!rule || run.life !== 'running') return false
    const created = this.createdAt.get(run.id)
    const verdict = rule(run.spec, {
      itemsFailed: run.itemsFailed,
      elapsedMs: created === undefined ? null : now - created,
    })
    if (!verdict) return false
    // A resumed job has no deadline left to keep: its clock was this farm's first run of it.
    this.createdAt.delete(run.id)
    this.d.log(run.id, 'warn', 'core', verdict.reason)
    this.d.apply(run.id, verdict.state === 'timed-out' ? 'deadline' : verdict.kill ? 'halt-now' : 'halt', {
      error: verdict.reason,
    })
    return true
  }
}
