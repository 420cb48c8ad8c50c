import { randomUUID } from 'node:crypto'
import { Queue, QueueEvents, QueueEventsProducer } from 'bullmq'
import type { Redis } from 'ioredis'
import type { RemoteHostInfo } from '../shared/api-types'
import type { PoolName } from '../shared/job-spec'
import { within } from '../shared/within'
import type { RemoteFarmSide, RemoteLink } from '../core/remote-link'
import { HostDirectory } from './host-directory'
import { connectRedis, redactRedisUrl } from './redis-connection'
import { RemoteCapacity } from './remote-capacity'
import { RemoteLedger } from './remote-ledger'
import {
  KEY_PREFIX,
  REMOTE_PROTOCOL,
  controlQueueName,
  farmKey,
  isRemotePool,
  queueName,
  remotePools,
  sealControl,
  sealFarmState,
  type ControlMessage,
  type RemotePool,
  type RemoteTask,
} from './remote-protocol'
import { RemoteSigner, farmKey as loadFarmKey } from './remote-signing'
import type { RemoteSlot, SlotOwner } from './remote-slot'

/** How often the farm reads the hosts' heartbeats, writes its signed state and checks its batches are still queued. */
const SYNC_MS = 1000
/**
 * How long a stopping farm waits to tell Redis it stopped. Commands to a Redis that is away wait for it
 * to come back (they queue while ioredis reconnects): without a bound, a job that ran on local workers
 * while Redis was away never returned. The hosts see the farm's state expire meanwhile (10 s).
 */
const CLOSE_MS = 2000

/**
 * The farm's side of remote work on BullMQ: one queue per pool, `QueueEvents` for what the hosts
 * report, the farm's signed state (its run and what it cancelled) for hosts to check batches against.
 * The ledger keeps the batches in flight, the capacity keeps the pools' remote slots.
 */
export class BullmqRemoteLink implements RemoteLink, SlotOwner {
  readonly session = randomUUID().slice(0, 8)
  private readonly redis: Redis
  private readonly queues = new Map<RemotePool, Queue>()
  private readonly events: QueueEvents[] = []
  private readonly producer: QueueEventsProducer
  private readonly directory: HostDirectory
  private readonly ledger: RemoteLedger
  private readonly capacity = new RemoteCapacity(this)
  private signer: RemoteSigner | null = null
  private farm: RemoteFarmSide | null = null
  private timer: NodeJS.Timeout | null = null
  private stateTimer: NodeJS.Timeout | null = null
  private syncing = false
  private closed = false
  /** Redis is unreachable (said once per outage in the log). */
  private down = false

  constructor(readonly url: string) {
    this.redis = connectRedis(url, 'task-farm farm')
    const connection = this.redis
    this.ledger = new RemoteLedger({
      session: this.session,
      queue: (pool) => this.queues.get(pool)!,
      signer: () => this.signer!,
      log: (level, message) => this.farm?.log(level, message),
      publishCancel: (batch) => this.publish({ action: 'cancel', batch }),
      revoked: () => this.writeStateSoon(),
    })
    for (const pool of remotePools) {
      const queue = new Queue(queueName(pool), { connection, prefix: KEY_PREFIX })
      queue.on('error', () => {})
      this.queues.set(pool, queue)
      const events = new QueueEvents(queueName(pool), { connection, prefix: KEY_PREFIX, lastEventId: '$' })
      events.on('error', () => {})
      events.on('progress', ({ jobId, data }) => this.ledger.onProgress(jobId, data))
      events.on('completed', ({ jobId, returnvalue }) => this.ledger.onCompleted(jobId, returnvalue))
      events.on('failed', ({ jobId, failedReason }) => this.ledger.onFailed(jobId, failedReason))
      events.on('stalled', ({ jobId }) => {
        if (this.ledger.has(jobId))
          this.farm?.log('warn', `batch ${jobId} stalled: its host stopped answering; BullMQ hands it to another host`)
      })
      this.events.push(events)
    }
    this.producer = new QueueEventsProducer(controlQueueName(), { connection, prefix: KEY_PREFIX })
    this.producer.on('error', () => {})
    this.directory = new HostDirectory(this.redis)
  }

  attach(farm: RemoteFarmSide): void {
    let keyFrom: string
    try {
      const { key, from } = loadFarmKey(farm.historyFolder)
      this.signer = new RemoteSigner(key)
      keyFrom = from
    } catch (error) {
      // No key, no remote work: nothing is sent unsigned.
      farm.log('error', `remote workers are off: ${(error as Error).message}`)
      return
    }
    this.farm = farm
    this.directory.keyId = this.signer.keyId
    farm.log(
      'info',
      `remote workers through Redis at ${redactRedisUrl(this.url)} (protocol ${REMOTE_PROTOCOL}); hosts need the key in ${keyFrom} (docs/scale-out.md)`,
    )
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

  async control(hostId: string, action: 'drain' | 'stop'): Promise<void> {
    await this.publish({ action, hostId })
  }

  submit(slot: RemoteSlot, message: RemoteTask): void {
    this.ledger.submit(slot, message)
  }

  cancel(taskId: number): void {
    this.ledger.cancel(taskId)
  }

  release(slot: RemoteSlot): void {
    this.capacity.forget(slot)
    this.ledger.release(slot)
    if (!this.closed) this.farm?.changed(slot.pool as PoolName)
  }

  async close(): Promise<void> {
    this.closed = true
    if (this.timer) clearInterval(this.timer)
    this.capacity.killAll()
    if (this.stateTimer) clearTimeout(this.stateTimer)
    const polite = async (): Promise<boolean> => {
      await this.writeState().catch(() => {})
      await Promise.allSettled([
        ...this.events.map((e) => e.close()),
        ...[...this.queues.values()].map((q) => q.close()),
        this.producer.close(),
      ])
      await this.redis.quit()
      return true
    }
    const closed =
      this.redis.status === 'ready' &&
      (await within(
        polite().catch(() => false),
        CLOSE_MS,
        false,
      ))
    if (closed) return
    // Redis is away: whatever waits on it is dropped, and every connection ends now, reconnecting no more.
    for (const closable of [...this.events, ...this.queues.values(), this.producer])
      void closable.disconnect().catch(() => {})
    this.redis.disconnect()
  }

  private async publish(control: ControlMessage): Promise<void> {
    if (!this.signer) return
    await this.producer.publishEvent({ eventName: 'control', ...sealControl(this.signer, control) })
  }

  /** The farm's signed state: which run is live and what it cancelled. Written before any batch goes. */
  private async writeState(): Promise<void> {
    if (!this.signer || !this.farm) return
    const state = this.ledger.revocations.state(this.session, this.farm.cancelled)
    await this.redis.set(farmKey, sealFarmState(this.signer, state), 'EX', 10)
  }

  /**
   * Now, and once more when the farm has taken in what just happened (a job whose last batch was
   * taken back ends cancelled after this turn): hosts need not wait for the next sync.
   */
  private writeStateSoon(): void {
    void this.writeState().catch(() => {})
    if (this.stateTimer) return
    this.stateTimer = setTimeout(() => {
      this.stateTimer = null
      void this.writeState().catch(() => {})
    }, 100)
  }

  /** Heartbeats, capacity, and batches that Redis lost (a restart without persistence). */
  private async sync(): Promise<void> {
    if (this.syncing || this.closed || !this.farm) return
    this.syncing = true
    try {
      await this.writeState()
      const changed = await this.directory.refresh()
      for (const host of this.directory.newlyRefused())
        this.farm.log('warn', `host ${host.name} (${host.hostname}) gets no work from this farm: ${host.problem}`)
      this.capacity.fit(this.farm, (pool) => this.directory.capacity(pool))
      if (changed) for (const pool of remotePools) this.farm.changed(pool)
      await this.ledger.recoverLost()
    } catch {
      // Redis is away; the farm's local work goes on, and the next sync tries again.
    } finally {
      this.syncing = false
    }
  }
}
