import type { FromWorker, ToWorker } from '../shared/worker-protocol'
import type { RemoteTask } from './remote-schemas'
import type { ExitReason } from '../core/worker-handle'
import { WorkerHandleBase } from '../core/worker-handle-base'

/** What a slot asks of the farm's side of the queue. */
export interface SlotOwner {
  submit(slot: RemoteSlot, message: RemoteTask): void
  cancel(taskId: number): void
  /** The slot is gone (killed, stopped, lost): forget its batches. */
  release(slot: RemoteSlot): void
}

/**
 * One slot of remote capacity in a pool: to the pool it is a worker holding a batch or two (see
 * REMOTE_TASKS_PER_SLOT); each batch is a BullMQ job that any host serving the pool may take. Losing the batch (its host
 * died more often than BullMQ's stalled check forgives, or it vanished with a Redis restart and could
 * not be sent again) ends the slot like a worker death, so the farm re-queues its units.
 */
export class RemoteSlot extends WorkerHandleBase {
  readonly pid = null
  /** The tasks it holds (see REMOTE_TASKS_PER_SLOT). */
  readonly taskIds = new Set<number>()

  constructor(
    readonly pool: string,
    private readonly owner: SlotOwner,
  ) {
    super()
  }

  get gone(): boolean {
    return this.exitInfo !== null
  }

  start(): Promise<void> {
    return Promise.resolve()
  }

  post(message: ToWorker): void {
    if (this.gone) return
    if (message.type === 'shutdown') return this.end('clean-exit')
    if (message.type === 'cancel') return this.owner.cancel(message.taskId)
    if (message.type === 'warm') return // A remote host loads what it needs itself.
    if (message.type === 'hostTurn') return // Remote runs are never paced by the farmer.
    this.taskIds.add(message.taskId)
    this.owner.submit(this, message)
  }

  /** A message from the host that runs its batch. */
  deliver(message: FromWorker): void {
    if (this.gone) return
    if (message.type === 'done' || message.type === 'failed') this.taskIds.delete(message.taskId)
    this.emitMessage(message)
  }

  kill(): void {
    this.end('killed')
  }

  /** The batch is lost: a worker death, for the farm. */
  lose(): void {
    this.end('crashed')
  }

  private end(reason: ExitReason): void {
    if (this.gone) return
    this.owner.release(this)
    this.finish({ reason, code: null, signal: null })
  }
}
