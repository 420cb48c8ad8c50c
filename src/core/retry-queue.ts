import type { WorkItem } from '../shared/worker-protocol'

/**
 * A job's units to run again (retry-policy.ts says when): failed ones once their backoff is over, and
 * ones that were in hand when their worker died, which go out alone. A unit waiting out its backoff
 * holds no slot and no worker; a timer queues it.
 */
export class RetryQueue {
  readonly queue: { unit: WorkItem; alone: boolean }[] = []
  private readonly backoffs = new Set<NodeJS.Timeout>()

  /** Units waiting out their backoff. */
  get waiting(): number {
    return this.backoffs.size
  }

  /** Queues the unit after `delayMs` if it is `stillWanted` then; `then` runs once it is queued (to dispatch). */
  later(unit: WorkItem, delayMs: number, stillWanted: () => boolean, then: () => void): void {
    if (delayMs <= 0) {
      this.queue.push({ unit, alone: false })
      return
    }
    const timer = setTimeout(() => {
      this.backoffs.delete(timer)
      if (!stillWanted()) return
      this.queue.push({ unit, alone: false })
      then()
    }, delayMs)
    timer.unref() // A closing farm does not wait for it: the unit is pending in the history.
    this.backoffs.add(timer)
  }

  /** Forgets every unit and stops every timer; their units stay pending in the history. */
  drop(): void {
    for (const timer of this.backoffs) clearTimeout(timer)
    this.backoffs.clear()
    this.queue.length = 0
  }
}
