import type { JobSpec } from '../shared/job-spec'
import { isFinished } from '../shared/job-state'
import { UserError } from '../shared/user-error'
import type { JobLifecycle } from './job-lifecycle'
import { afterLinks, JobLinks, type AfterJob } from './store/job-links'
import type { JobStore } from './store/job-store'

export interface ChainDeps {
  store: JobStore
  lifecycle: JobLifecycle
  /**
   * This farm owns the history's queue (the app, `serve`, the background farm): it moves followers on
   * when the jobs they follow end. A farm that runs only its own jobs (a CLI's) leaves them waiting
   * for the next owner, rather than start jobs nobody asked it to run and interrupt them as it stops.
   */
  owner: boolean
  log(jobId: number, message: string): void
}

/**
 * Jobs that follow jobs (`--after`, `--after-ok`). A follower is `waiting` (the lifecycle's `wait`)
 * until every job it follows has finished (`isFinished`: an interrupted or timed-out one may still be
 * resumed, so it is waited for); then it is `release`d to its pool's queue, or `skip`ped with the
 * reason when one it must see succeed (`ok`) did not complete cleanly. The links are in the history,
 * so the farm that owns the history moves followers on when their jobs end, and when it opens.
 */
export class JobChains {
  readonly links: JobLinks

  constructor(private readonly d: ChainDeps) {
    this.links = new JobLinks(d.store.db)
  }

  /** Refuses a new job that names jobs (to follow, to take inputs from) that are not in the history. */
  checkNew(spec: JobSpec, after: AfterJob[]): void {
    this.checkKnown(after)
    if ('input' in spec && spec.input.type === 'job' && !this.d.store.job(spec.input.jobId))
      throw new UserError(`There is no job ${spec.input.jobId} to take inputs from.`, 'no-such-job')
  }

  /**
   * A chain goes on when a farm that owns the history opens: followers of jobs that finished while no
   * farm ran start (or are skipped), and a job others wait for that this farm found interrupted by the
   * last one's death (`recovered`) is resumed; a person's own interrupt is left for them to resume.
   */
  opened(recovered: number[]): void {
    this.settleAll()
    for (const id of recovered) {
      const row = this.d.store.job(id)
      // A job whose cancel was accepted before that death is being cancelled now (the farm finishes
      // owed cancels first): its followers go on when it ends, as after any cancel.
      if (row?.state !== 'interrupted' || row.cancel_asked_at != null || !this.hasWaitingFollowers(id).length) continue
      this.d.log(id, 'resumed: the farm stopped under it, and other jobs wait for it')
      this.d.lifecycle.apply(id, 'resume', { note: 'resumed: other jobs wait for it' })
    }
  }

  /** Refuses, in one sentence, jobs to follow that are not in the history. */
  checkKnown(after: AfterJob[]): void {
    const unknown = after.filter((a) => !this.d.store.job(a.jobId)).map((a) => a.jobId)
    if (unknown.length === 1) throw new UserError(`There is no job ${unknown[0]} to wait for.`, 'no-such-job')
    if (unknown.length > 1) throw new UserError(`There are no jobs ${unknown.join(', ')} to wait for.`, 'no-such-job')
  }

  /** Makes a queued (or waiting) job follow more jobs; a cycle is refused and nothing is recorded. */
  follow(jobId: number, after: AfterJob[]): void {
    const state = this.d.store.job(jobId)?.state
    if (state !== 'queued' && state !== 'waiting')
      throw new UserError(
        `Job ${jobId} is ${state}: only a queued or waiting job can wait for other jobs.`,
        'bad-state',
      )
    this.checkKnown(after)
    if (after.some((a) => a.jobId === jobId)) throw new UserError(`Job ${jobId} cannot wait for itself.`, 'cycle')
    if (!this.links.add(jobId, after)) {
      const ids = after.map((a) => a.jobId).join(', ')
      throw new UserError(`Job ${jobId} cannot wait for ${ids}: that job already waits for job ${jobId}.`, 'cycle')
    }
    if (state === 'queued') {
      const words = after.map((a) => `job ${a.jobId}${a.ok ? ' (only if it completes without errors)' : ''}`)
      this.d.lifecycle.apply(jobId, 'wait', { note: `waits for ${words.join(', ')}` })
    }
    if (this.d.owner) this.settle(jobId)
  }

  /** A job ended: those waiting for it are looked at. */
  ended(jobId: number): void {
    const row = this.d.store.job(jobId)
    if (!this.d.owner || !row || !isFinished(row.state)) return
    for (const f of this.d.store.followers(jobId)) if (f.state === 'waiting') this.settle(f.jobId)
  }

  /** Every waiting job, as a farm that owns the history opens (its jobs may have ended while none ran). */
  settleAll(): void {
    for (const id of this.links.waitingJobs()) this.settle(id)
  }

  /** A job others wait for is not removed: they would wait for ever. */
  checkRemovable(jobId: number): void {
    const waiting = this.hasWaitingFollowers(jobId)
    if (waiting.length === 0) return
    const them = waiting.length === 1 ? 'it' : 'them'
    throw new UserError(
      `Job ${jobId} is awaited by job ${waiting.join(', ')}: cancel or remove ${them} first.`,
      'bad-state',
    )
  }

  /** Whether waiting jobs follow this one (a job others wait for is not removed, and is resumed on open). */
  hasWaitingFollowers(jobId: number): number[] {
    return this.d.store
      .followers(jobId)
      .filter((f) => f.state === 'waiting')
      .map((f) => f.jobId)
  }

  /** Releases or skips a waiting job once every job it follows has finished. */
  private settle(jobId: number): void {
    const row = this.d.store.job(jobId)
    if (row?.state !== 'waiting') return
    const links = afterLinks(row)
    if (links.some((l) => l.state !== null && !isFinished(l.state))) return
    const failed = links.find((l) => l.ok && l.state !== 'completed')
    if (!failed) return this.d.lifecycle.apply(jobId, 'release')
    const before = failed.state === null ? null : this.d.store.job(failed.jobId)
    const how = before ? `ended ${before.state}${before.error ? ` (${before.error})` : ''}` : 'was removed'
    const reason = `job ${failed.jobId} ${how}, and this job was to run only if it completed without errors`
    this.d.lifecycle.apply(jobId, 'skip', { note: `skipped: ${reason}`, error: reason, code: 'skipped' })
  }
}
