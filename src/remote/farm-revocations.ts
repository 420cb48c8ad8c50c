import type { FarmState } from './remote-schemas'

/** Batches remembered as cancelled at most: beyond, the oldest go (their jobs' own revocation remains). */
const MAX_REVOKED_BATCHES = 10_000

/**
 * What this farm run has cancelled, as Celery keeps its revoked set: every batch it took back (a
 * cancel, a pause, a lost slot) and every job of this run the history says is cancelled. It travels
 * in the farm's signed state, which hosts read on every (re)connect and before every batch, so a cancel
 * a host missed still sticks: a batch redelivered after a stall or a Redis restart runs nothing.
 */
export class FarmRevocations {
  private readonly batches = new Set<string>()
  /** Jobs this run sent batches for: only those can have batches in Redis (older runs' are refused by session). */
  private readonly jobs = new Set<number>()

  sent(jobId: number): void {
    this.jobs.add(jobId)
  }

  revoke(batchId: string): void {
    this.batches.add(batchId)
    if (this.batches.size > MAX_REVOKED_BATCHES) this.batches.delete(this.batches.values().next().value!)
  }

  state(session: string, cancelled: (jobId: number) => boolean): FarmState {
    return {
      session,
      at: Date.now(),
      revokedJobs: [...this.jobs].filter(cancelled),
      revokedBatches: [...this.batches],
    }
  }
}
