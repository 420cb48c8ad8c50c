import { randomUUID } from 'node:crypto'
import { Queue, QueueEvents, QueueEventsProducer } from 'bullmq'
import type { Redis } from 'ioredis'
import type { RemoteHostInfo } from '../shared/api-types'
import type { PoolName } from '../shared/job-spec'
import { toErrorInfo } from '../shared/user-error'
import type { ToWorker } from '../shared/worker-protocol'
import type { RemoteFarmSide, RemoteLink } from '../core/remote-link'
import { HostDirectory } from './host-directory'
import { connectRedis, redactRedisUrl } from './redis-connection'
import {
  KEY_PREFIX,
  REMOTE_PROTOCOL,
  controlQueueName,
  farmKey,
  isRemotePool,
  queueName,
  remotePools,
  shipSpec,
  type ControlEvent,
  type RemoteJobData,
  type RemoteOutcome,
  type RemotePool,
  type RemoteProgress,
} from './remote-protocol'
import { RemoteSlot, type SlotOwner } from './remote-slot'

/** How often the farm reads the hosts' heartbeats, writes its own and checks its batches are still queued. */
const SYNC_MS = 1000
/** A batch must have been in Redis this long before a missing one counts as lost (not just not yet added). */
const LOST_AFTER_MS = 1500

interface SentBatch {
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
 * The farm's side of remote work on BullMQ: one queue per pool, `QueueEvents` for what the hosts
 * report, slots in the pools for the hosts' capacity. The farm's SQLite history stays the one truth:
 * a batch delivered twice (BullMQ is at least once) reports units the farm has already closed, and
 * the farm ignores those.
 */
export class BullmqRemoteLink implements RemoteLink, SlotOwner {
  readonly session = randomUUID().slice(0, 8)
  private readonly redis: Redis
  private readonly queues = new Map<RemotePool, Queue>()
  private readonly events: QueueEvents[] = []
  private readonly producer: QueueEventsProducer
  private readonly directory: HostDirectory
  private readonly batches = new Map<string, SentBatch>()
  private readonly slots = new Map<RemotePool, Set<RemoteSlot>>()
  private farm: RemoteFarmSide | null = null
  private timer: NodeJS.Timeout | null = null
  private syncing = false
  private closed = false
  /** Redis is unreachable (said once per outage in the log). */
  private down = false

  constructor(readonly url: string) {
    this.redis = connectRedis(url, 'task-farm farm')
    const connection = this.redis
    for (const pool of remotePools) {
      const queue = new Queue(queueName(pool), { connection, prefix: KEY_PREFIX })
      queue.on('error', () => {})
      this.queues.set(pool, queue)
      this.slots.set(pool, new Set())
      const events = new QueueEvents(queueName(pool), { connection, prefix: KEY_PREFIX, lastEventId: '$' })
      events.on('error', () => {})
      events.on('progress', ({ jobId, data }) => this.onProgress(jobId, data as unknown as RemoteProgress))
      events.on('completed', ({ jobId, returnvalue }) => this.onCompleted(jobId, parse(returnvalue) as RemoteOutcome))
      events.on('failed', ({ jobId, failedReason }) => this.onFailed(jobId, failedReason))
      events.on('stalled', ({ jobId }) => {
        if (this.batches.has(jobId))
          this.farm?.log('warn', `batch ${jobId} stalled: its host stopped answering; BullMQ hands it to another host`)
      })
      this.events.push(events)
    }
    this.producer = new QueueEventsProducer(controlQueueName(), { connection, prefix: KEY_PREFIX })
    this.producer.on('error', () => {})
    this.directory = new HostDirectory(this.redis)
  }

  attach(farm: RemoteFarmSide): void {
    this.farm = farm
    farm.log('info', `remote workers through Redis at ${redactRedisUrl(this.url)} (protocol ${REMOTE_PROTOCOL})`)
    this.redis.on('error', (error: Error) => {
      if (this.down || this.closed) return
      this.down = true
      farm.log(
        'warn',
        `Redis at ${redactRedisUrl(this.url)} is unreachable (${error.message}): local work goes on, remote batches wait`,
      )
    })
    this.redis.on('ready', () => {
      if (!this.down || this.closed) return
      this.down = false
      farm.log('info', 'Redis is back: remote work goes on')
    })
    // Batches an earlier farm left waiting would run for nobody.
    for (const queue of this.queues.values()) void queue.drain().catch(() => {})
    this.timer = setInterval(() => void this.sync(), SYNC_MS)
    void this.sync()
  }

  hosts(pool: PoolName): RemoteHostInfo[] | null {
    return isRemotePool(pool) ? this.directory.hostsOf(pool) : null
  }

  private async publish(event: ControlEvent): Promise<void> {
    await this.producer.publishEvent({ eventName: 'control', ...event })
  }

  async control(hostId: string, action: 'drain' | 'stop'): Promise<void> {
    await this.publish({ action, hostId })
  }

  submit(slot: RemoteSlot, message: Extract<ToWorker, { taskId: number; jobId: number }>): void {
    const pool = slot.pool as RemotePool
    const jobId = this.jobIdOf(message.taskId)
    void shipSpec(message.spec, message.type).then(
      (spec) => {
        const batch: SentBatch = {
          slot,
          pool,
          data: { protocol: REMOTE_PROTOCOL, session: this.session, message: { ...message, spec } },
          sentAt: Date.now(),
          plannedForwarded: 0,
          resending: false,
        }
        this.batches.set(jobId, batch)
        return this.add(jobId, batch)
      },
      (error: unknown) => slot.deliver({ type: 'failed', taskId: message.taskId, error: toErrorInfo(error), rss: 0 }),
    )
  }

  cancel(taskId: number): void {
    const jobId = this.jobIdOf(taskId)
    const batch = this.batches.get(jobId)
    if (!batch) return
    // Still waiting: take it off the queue; running: tell the host holding it.
    void this.queues
      .get(batch.pool)!
      .remove(jobId)
      .then(
        (removed) => {
          if (removed !== 1) return this.publish({ action: 'cancel', jobId })
          this.batches.delete(jobId)
          batch.slot.deliver({ type: 'done', taskId, rss: 0 })
        },
        () => this.publish({ action: 'cancel', jobId }),
      )
      .catch(() => {})
  }

  release(slot: RemoteSlot): void {
    this.slots.get(slot.pool as RemotePool)?.delete(slot)
    for (const [jobId, batch] of this.batches) {
      if (batch.slot !== slot) continue
      this.batches.delete(jobId)
      void this.queues
        .get(batch.pool)!
        .remove(jobId)
        .catch(() => 0)
        .then((removed) => (removed === 1 ? undefined : this.publish({ action: 'cancel', jobId })))
        .catch(() => {})
    }
    if (!this.closed) this.farm?.changed(slot.pool as PoolName)
  }

  async close(): Promise<void> {
    this.closed = true
    if (this.timer) clearInterval(this.timer)
    for (const slots of this.slots.values()) for (const slot of [...slots]) slot.kill()
    await Promise.allSettled([
      ...this.events.map((e) => e.close()),
      ...[...this.queues.values()].map((q) => q.close()),
      this.producer.close(),
    ])
    await this.redis.quit().catch(() => this.redis.disconnect())
  }

  private jobIdOf(taskId: number): string {
    return `${this.session}-${taskId}`
  }

  private async add(jobId: string, batch: SentBatch): Promise<void> {
    try {
      await this.queues.get(batch.pool)!.add('batch', batch.data, {
        jobId,
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

  private onProgress(jobId: string, progress: RemoteProgress): void {
    const batch = this.batches.get(jobId)
    if (!batch || !progress?.messages) return
    for (const message of progress.messages) {
      if (message.type === 'planned') {
        const skip = batch.plannedForwarded - (message.from ?? 0)
        // A gap means progress was lost: the outcome's count then shows the plan incomplete.
        if (skip < 0 || skip >= message.batches.length) continue
        const batches = skip > 0 ? message.batches.slice(skip) : message.batches
        batch.plannedForwarded += batches.length
        batch.slot.deliver({ type: 'planned', taskId: message.taskId, batches })
      } else if (message.type === 'log') {
        // Which machine said it: remote workers have no pid the farm could name.
        batch.slot.deliver({ ...message, message: `[${progress.host}] ${message.message}` })
      } else if (message.type !== 'done' && message.type !== 'failed' && message.type !== 'ready') {
        const { from: _from, ...plain } = message
        batch.slot.deliver(plain)
      }
    }
  }

  private onCompleted(jobId: string, outcome: RemoteOutcome | undefined): void {
    const batch = this.batches.get(jobId)
    if (!batch || !outcome?.final) return
    this.batches.delete(jobId)
    const taskId = batch.data.message.taskId
    if (outcome.doneIds.length || outcome.doneResults.length) {
      batch.slot.deliver({
        type: 'unitsDone',
        taskId,
        ids: outcome.doneIds,
        results: outcome.doneResults,
        bytes: outcome.doneBytes,
      })
    }
    if (outcome.unitsFailed.length) batch.slot.deliver({ type: 'unitsFailed', taskId, items: outcome.unitsFailed })
    if (
      batch.data.message.type === 'plan' &&
      outcome.final.type === 'done' &&
      batch.plannedForwarded < outcome.planned
    ) {
      this.farm?.log(
        'warn',
        `a plan on ${outcome.host} reached the farm incomplete (${batch.plannedForwarded} of ${outcome.planned} items); planning again`,
      )
      return batch.slot.lose()
    }
    // Remote memory is the host's business: the farm never recycles a slot for it.
    batch.slot.deliver({ ...outcome.final, taskId, rss: 0 })
  }

  private onFailed(jobId: string, reason: string): void {
    const batch = this.batches.get(jobId)
    if (!batch) return
    this.batches.delete(jobId)
    this.farm?.log('warn', `batch ${jobId} was lost on its remote host: ${reason}`)
    batch.slot.lose()
  }

  /** Heartbeats, capacity, and batches that Redis lost (a restart without persistence). */
  private async sync(): Promise<void> {
    if (this.syncing || this.closed || !this.farm) return
    this.syncing = true
    try {
      await this.redis.set(
        farmKey,
        JSON.stringify({ protocol: REMOTE_PROTOCOL, session: this.session, at: Date.now() }),
        'EX',
        10,
      )
      const changed = await this.directory.refresh()
      for (const pool of remotePools) this.fitSlots(pool)
      if (changed) for (const pool of remotePools) this.farm.changed(pool)
      await this.recoverLost()
    } catch {
      // Redis is away; the farm's local work goes on, and the next sync tries again.
    } finally {
      this.syncing = false
    }
  }

  /** As many slots as the live hosts of the pool run batches at once. */
  private fitSlots(pool: RemotePool): void {
    const farm = this.farm!
    const workerPool = farm.pools[pool]
    if (!workerPool || workerPool.stopped) return
    const slots = this.slots.get(pool)!
    const want = this.directory.capacity(pool)
    let added = false
    while (slots.size < want) {
      const slot = new RemoteSlot(pool, this)
      slots.add(slot)
      workerPool.attachRemote(slot)
      added = true
    }
    for (const slot of [...slots]) {
      if (slots.size <= want) break
      if (slot.taskId === null) slot.post({ type: 'shutdown' })
    }
    if (added) {
      farm.changed(pool)
      setImmediate(() => farm.dispatch(pool))
    }
  }

  private async recoverLost(): Promise<void> {
    const now = Date.now()
    for (const [jobId, batch] of this.batches) {
      if (batch.resending || now - batch.sentAt < LOST_AFTER_MS) continue
      const queue = this.queues.get(batch.pool)!
      const state = await queue.getJobState(jobId)
      if (this.batches.get(jobId) !== batch) continue
      if (state === 'unknown') {
        this.farm?.log('warn', `batch ${jobId} is no longer in Redis (a restart?): sending it again`)
        batch.resending = true
        await this.add(jobId, batch)
        batch.resending = false
      } else if (state === 'completed' || state === 'failed') {
        // Its event was missed (the farm was reconnecting): read the outcome from the job itself.
        const job = await queue.getJob(jobId)
        if (state === 'completed') this.onCompleted(jobId, parse(job?.returnvalue) as RemoteOutcome)
        else this.onFailed(jobId, job?.failedReason ?? 'failed')
      }
    }
  }
}

function parse(value: unknown): unknown {
  if (typeof value !== 'string') return value
  try {
    return JSON.parse(value)
  } catch {
    return undefined
  }
}
