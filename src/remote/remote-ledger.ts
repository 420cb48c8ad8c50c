import type { Queue } from 'bullmq'
import type { LogLevel } from '../shared/job-state'
import { toErrorInfo } from '../shared/user-error'
import { FarmRevocations } from './farm-revocations'
import { batchIdOf, sealBatch, shipSpec, type BatchEnvelope, type RemotePool, type RemoteTask } from './remote-protocol'
import { remoteOutcomeSchema, remoteProgressSchema, type RemoteOutcome } from './remote-schemas'
import type { RemoteSigner } from './remote-signing'
import type { RemoteSlot } from './remote-slot'

/** A batch must have been in Redis this long before a missing one counts as lost (not just not yet added). */
const LOST_AFTER_MS = 1500

interface SentBatch {
  slot: RemoteSlot
  pool: RemotePool
  task: RemoteTask
  data: BatchEnvelope
  sentAt: number
  /** Batches of the plan's current run passed on, in order (a run started again on another host counts anew). */
  planEnd: number
  /** The host running that run: a host that lost the batch after a stall may still report its own. */
  planHost: string | null
  /** Set while a lost batch is being added again. */
  resending: boolean
  /** Taken back: when it settles, its job has likely ended cancelled, which the hosts should hear at once. */
  revoked: boolean
}

export interface LedgerOptions {
  session: string
  queue(pool: RemotePool): Queue
  signer(): RemoteSigner
  log(level: LogLevel, message: string): void
  /** Tell the hosts now (a control event): a batch running there stops. */
  publishCancel(batchId: string): Promise<void>
  /** The cancelled set changed, or a job may just have ended cancelled: write the farm's signed state soon. */
  revoked(): void
}

/**
 * The farm's ledger of batches sent to remote hosts and not yet settled: it sends them (signed), reads
 * what the hosts report, takes batches back, and sends again what Redis lost. The farm's history stays
 * the one truth: a batch delivered twice (BullMQ is at least once) reports units already closed, and
 * the farm ignores those.
 */
export class RemoteLedger {
  readonly revocations = new FarmRevocations()
  private readonly batches = new Map<string, SentBatch>()

  constructor(private readonly o: LedgerOptions) {}

  submit(slot: RemoteSlot, message: RemoteTask): void {
    const pool = slot.pool as RemotePool
    const batchId = batchIdOf(this.o.session, message.taskId)
    this.revocations.sent(message.jobId)
    void shipSpec(message.spec, message.type).then(
      (spec) => {
        const task = { ...message, spec }
        const data = sealBatch(this.o.signer(), batchId, this.o.session, task)
        const batch: SentBatch = {
          slot,
          pool,
          task,
          data,
          sentAt: Date.now(),
          planEnd: 0,
          planHost: null,
          resending: false,
          revoked: false,
        }
        this.batches.set(batchId, batch)
        return this.add(batchId, batch)
      },
      (error: unknown) => slot.deliver({ type: 'failed', taskId: message.taskId, error: toErrorInfo(error), rss: 0 }),
    )
  }

  /** Take one batch back: off the queue if it still waits, else revoked and the hosts told. */
  cancel(taskId: number): void {
    const batchId = batchIdOf(this.o.session, taskId)
    const batch = this.batches.get(batchId)
    if (!batch) return
    batch.revoked = true
    this.revoke(batchId)
    void this.o
      .queue(batch.pool)
      .remove(batchId)
      .then(
        (removed) => {
          if (removed !== 1) return this.o.publishCancel(batchId)
          this.batches.delete(batchId)
          batch.slot.deliver({ type: 'done', taskId, rss: 0 })
          this.o.revoked()
        },
        () => this.o.publishCancel(batchId),
      )
      .catch(() => {})
  }

  /** The slot is gone: its batches are taken back and never run again. */
  release(slot: RemoteSlot): void {
    for (const [batchId, batch] of this.batches) {
      if (batch.slot !== slot) continue
      this.batches.delete(batchId)
      this.revoke(batchId)
      void this.o
        .queue(batch.pool)
        .remove(batchId)
        .catch(() => 0)
        .then((removed) => (removed === 1 ? undefined : this.o.publishCancel(batchId)))
        .catch(() => {})
    }
  }

  onProgress(batchId: string, data: unknown): void {
    const batch = this.batches.get(batchId)
    if (!batch) return
    const progress = remoteProgressSchema.safeParse(data)
    if (!progress.success)
      return this.o.log('warn', `batch ${batchId}: a host sent progress that does not fit the protocol`)
    for (const message of progress.data.messages) {
      if (message.type === 'planned') {
        const from = message.from ?? batch.planEnd
        // A report that neither follows the last one of its host nor starts the plan again (another
        // host took the batch after a stall) was lost in between, or comes late from a host that lost
        // the batch: the outcome's count then shows the plan incomplete, and it is planned again. A
        // plan started again goes to the farm whole, with its `from`: the farm's replay checks each
        // batch against the one stored under that number (`PlanReplay`), where passing over by count
        // would skip or double units of a source that changed in between.
        const follows = from === batch.planEnd && progress.data.host === batch.planHost
        if (!follows && from !== 0) continue
        batch.planEnd = from + message.batches.length
        batch.planHost = progress.data.host
        batch.slot.deliver({ type: 'planned', taskId: message.taskId, batches: message.batches, from })
      } else if (message.type === 'log') {
        // Which machine said it: remote workers have no pid the farm could name.
        batch.slot.deliver({ ...message, message: `[${progress.data.host}] ${message.message}` })
      } else batch.slot.deliver(message)
    }
  }

  onCompleted(batchId: string, value: unknown): void {
    const batch = this.batches.get(batchId)
    if (!batch) return
    const parsed = remoteOutcomeSchema.safeParse(typeof value === 'string' ? parseJson(value) : value)
    if (!parsed.success) {
      this.o.log('warn', `batch ${batchId}: its host's outcome does not fit the protocol; sending its units again`)
      this.batches.delete(batchId)
      return batch.slot.lose()
    }
    this.settle(batchId, batch, parsed.data)
  }

  onFailed(batchId: string, reason: string): void {
    const batch = this.batches.get(batchId)
    if (!batch) return
    this.batches.delete(batchId)
    if (batch.revoked) {
      // Taken back, then refused or stopped by a host: what the farm asked for, not a crash of its units.
      batch.slot.deliver({ type: 'done', taskId: batch.task.taskId, rss: 0 })
      return this.o.revoked()
    }
    this.o.log('warn', `batch ${batchId} was lost on its remote host: ${reason}`)
    batch.slot.lose()
  }

  /** Batches that Redis lost (a restart without persistence) go again; missed outcomes are read back. */
  async recoverLost(): Promise<void> {
    const now = Date.now()
    for (const [batchId, batch] of this.batches) {
      if (batch.resending || now - batch.sentAt < LOST_AFTER_MS) continue
      const queue = this.o.queue(batch.pool)
      const state = await queue.getJobState(batchId)
      if (this.batches.get(batchId) !== batch) continue
      if (state === 'unknown') {
        this.o.log('warn', `batch ${batchId} is no longer in Redis (a restart?): sending it again`)
        batch.resending = true
        await this.add(batchId, batch)
        batch.resending = false
      } else if (state === 'completed' || state === 'failed') {
        // Its event was missed (the farm was reconnecting): read the outcome from the job itself.
        const job = await queue.getJob(batchId)
        if (state === 'completed') this.onCompleted(batchId, job?.returnvalue)
        else this.onFailed(batchId, job?.failedReason ?? 'failed')
      }
    }
  }

  has(batchId: string): boolean {
    return this.batches.has(batchId)
  }

  private revoke(batchId: string): void {
    this.revocations.revoke(batchId)
    this.o.revoked()
  }

  private settle(batchId: string, batch: SentBatch, outcome: RemoteOutcome): void {
    this.batches.delete(batchId)
    const { taskId, type } = batch.task
    if (outcome.doneIds.length || outcome.doneResults.length || outcome.doneRuns.length) {
      const { doneIds: ids, doneResults: results, doneRuns: runs, doneBytes: bytes } = outcome
      batch.slot.deliver({ type: 'unitsDone', taskId, ids, results, runs, bytes })
    }
    if (outcome.unitsFailed.length) batch.slot.deliver({ type: 'unitsFailed', taskId, items: outcome.unitsFailed })
    if (type === 'plan' && outcome.final.type === 'done' && batch.planEnd < outcome.planned) {
      this.o.log(
        'warn',
        `a plan on ${outcome.host} reached the farm incomplete (${batch.planEnd} of ${outcome.planned} items); planning again`,
      )
      return batch.slot.lose()
    }
    // Remote memory is the host's business: the farm never recycles a slot for it.
    batch.slot.deliver({ ...outcome.final, taskId, rss: 0 })
    if (batch.revoked) this.o.revoked()
  }

  private async add(batchId: string, batch: SentBatch): Promise<void> {
    try {
      await this.o.queue(batch.pool).add('batch', batch.data, {
        jobId: batchId,
        attempts: 1,
        // Kept a while so a farm that missed the completion event can still read the outcome.
        removeOnComplete: { age: 600, count: 5000 },
        removeOnFail: { age: 3600, count: 5000 },
      })
      batch.sentAt = Date.now()
    } catch {
      // Redis is away: the next sync sends it again.
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
