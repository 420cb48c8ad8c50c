import type { LogLevel } from '../shared/job-state'
import type { RemoteJobData, RemoteOutcome, RemoteProgress, RemotePool } from './remote-protocol'
import type { RemoteSlot } from './remote-slot'

export interface SentBatch {
  slot: RemoteSlot
  pool: RemotePool
  data: RemoteJobData
  sentAt: number
  /** Items of a plan passed on so far: a replayed plan skips the ones already passed. */
  plannedForwarded: number
  /** Set while a lost batch is being added again. */
  resending: boolean
}

/**
 * The batches the farm has sent and not yet heard the end of, and what the hosts report about them:
 * progress and outcomes go to the slot that sent the batch; a plan replayed after a fault passes on
 * only the items the farm has not seen; a batch lost on its host ends its slot like a worker death.
 */
export class SentBatches extends Map<string, SentBatch> {
  constructor(private readonly log: (level: LogLevel, message: string) => void) {
    super()
  }

  onProgress(jobId: string, progress: RemoteProgress): void {
    const batch = this.get(jobId)
    if (!batch || !progress?.messages) return
    for (const message of progress.messages) {
      if (message.type === 'planned') {
        const skip = batch.plannedForwarded - (message.from ?? 0)
        // A gap means progress was lost: the outcome's count then shows the plan incomplete.
        if (skip < 0 || skip >= message.items.length) continue
        const items = skip > 0 ? message.items.slice(skip) : message.items
        batch.plannedForwarded += items.length
        batch.slot.deliver({ type: 'planned', taskId: message.taskId, items })
      } else if (message.type === 'log') {
        // Which machine said it: remote workers have no pid the farm could name.
        batch.slot.deliver({ ...message, message: `[${progress.host}] ${message.message}` })
      } else if (message.type !== 'done' && message.type !== 'failed' && message.type !== 'ready') {
        const { from: _from, ...plain } = message
        batch.slot.deliver(plain as typeof message)
      }
    }
  }

  onCompleted(jobId: string, outcome: RemoteOutcome | undefined): void {
    const batch = this.get(jobId)
    if (!batch || !outcome?.final) return
    this.delete(jobId)
    const taskId = batch.data.message.taskId
    if (outcome.itemsDone.length) batch.slot.deliver({ type: 'itemsDone', taskId, items: outcome.itemsDone })
    if (outcome.itemsFailed.length) batch.slot.deliver({ type: 'itemsFailed', taskId, items: outcome.itemsFailed })
    if (
      batch.data.message.type === 'plan' &&
      outcome.final.type === 'done' &&
      batch.plannedForwarded < outcome.planned
    ) {
      this.log(
        'warn',
        `a plan on ${outcome.host} reached the farm incomplete (${batch.plannedForwarded} of ${outcome.planned} items); planning again`,
      )
      return batch.slot.lose()
    }
    // Remote memory is the host's business: the farm never recycles a slot for it.
    batch.slot.deliver({ ...outcome.final, taskId, rss: 0 })
  }

  onFailed(jobId: string, reason: string): void {
    const batch = this.get(jobId)
    if (!batch) return
    this.delete(jobId)
    this.log('warn', `batch ${jobId} was lost on its remote host: ${reason}`)
    batch.slot.lose()
  }
}
