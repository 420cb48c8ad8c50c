import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import { QueueEvents, UnrecoverableError, Worker, type Job } from 'bullmq'
import type { Redis } from 'ioredis'
import { UserError } from '../shared/user-error'
import type { WorkerLauncher } from '../core/worker-handle'
import { HostProcesses } from './host-processes'
import { connectRedis, redactRedisUrl, redisReady } from './redis-connection'
import {
  KEY_PREFIX,
  REMOTE_PROTOCOL,
  controlQueueName,
  farmKey,
  hostKey,
  queueName,
  remoteKinds,
  type ControlEvent,
  type HostHeartbeat,
  type RemoteJobData,
  type RemotePool,
} from './remote-protocol'
import { runRemoteBatch } from './run-remote-batch'

/** Kinds that run code the farm sends (a module's source): only on a host started with --allow-modules. */
export const codeShippingKinds: readonly string[] = ['module']

export interface RemoteHostOptions {
  url: string
  pools: RemotePool[]
  /** Worker processes on this host. */
  processes: number
  name: string
  allowModules: boolean
  launcher: WorkerLauncher
  log(line: string): void
  /** How long a batch's lock lasts without renewal: a dead host's batches go to others after about this. */
  lockDurationMs?: number
  stalledIntervalMs?: number
}

/** Batches of a network pool a process holds at once: they mostly wait on sockets (as the farm's own pool). */
const batchesPerProcess: Record<RemotePool, number> = { network: 4, cpu: 1 }
const HEARTBEAT_MS = 1000

/**
 * `task-farm worker`: a machine lending its cores to a farm through Redis. It takes batches from
 * the queues of the pools it serves, runs them on its own worker processes with the same job handlers
 * as the farm's, reports back through BullMQ, and writes a heartbeat the farm's Pools view shows.
 * It keeps no history: the farm's is the only one.
 */
export class RemoteHost {
  readonly id = `${hostname()}-${process.pid}-${randomUUID().slice(0, 4)}`
  private readonly redis: Redis
  private readonly processes: HostProcesses
  private readonly workers: Worker[] = []
  private control: QueueEvents | null = null
  private beat: NodeJS.Timeout | null = null
  private state: 'running' | 'draining' = 'running'
  private ending: Promise<void> | null = null
  private resolveEnded!: () => void
  /** Resolves when the host has left (drained, stopped, or closed). */
  readonly ended = new Promise<void>((resolve) => (this.resolveEnded = resolve))

  constructor(private readonly o: RemoteHostOptions) {
    this.redis = connectRedis(o.url, `task-farm worker ${o.name}`)
    this.processes = new HostProcesses(o.launcher, o.processes, o.log)
  }

  async start(): Promise<void> {
    await this.checkFarmProtocol()
    this.processes.start()
    const kinds = remoteKinds()
    for (const pool of this.o.pools) {
      const worker = new Worker<RemoteJobData>(
        queueName(pool),
        (job, _token, signal) => this.process(job, kinds, signal),
        {
          connection: this.redis,
          prefix: KEY_PREFIX,
          name: this.o.name,
          concurrency: this.slots()[pool],
          lockDuration: this.o.lockDurationMs ?? 10_000,
          stalledInterval: this.o.stalledIntervalMs ?? 5_000,
          // A batch whose host died is handed to another host this many times before the farm counts it a crash.
          maxStalledCount: 2,
          drainDelay: 1,
        },
      )
      worker.on('error', () => {}) // Reconnects after a Redis restart are routine.
      this.workers.push(worker)
    }
    this.control = new QueueEvents(controlQueueName(), { connection: this.redis, prefix: KEY_PREFIX, lastEventId: '$' })
    this.control.on('error', () => {})
    this.control.on('control' as never, ((event: ControlEvent) => this.onControl(event)) as never)
    this.beat = setInterval(() => void this.heartbeat(), HEARTBEAT_MS)
    await this.heartbeat()
    this.o.log(
      `worker ${this.o.name} (${this.id}) serving ${this.o.pools.join(', ')} with ${this.o.processes} processes through ${redactRedisUrl(this.o.url)}`,
    )
  }

  /** Finish the batches in hand, take no more, leave. */
  drain(): Promise<void> {
    return (this.ending ??= this.leave(false))
  }

  /** Leave now: batches in hand go to other hosts once their locks run out. */
  stop(): Promise<void> {
    return (this.ending ??= this.leave(true))
  }

  private slots(): Record<RemotePool, number> {
    return { network: this.o.processes * batchesPerProcess.network, cpu: this.o.processes * batchesPerProcess.cpu }
  }

  private async process(job: Job<RemoteJobData>, kinds: string[], signal?: AbortSignal) {
    const { protocol, message } = job.data
    if (protocol !== REMOTE_PROTOCOL)
      throw new UnrecoverableError(`this host speaks protocol ${REMOTE_PROTOCOL}, the batch ${protocol}`)
    const kind = message.spec.kind as string
    if (!kinds.includes(kind)) throw new UnrecoverableError(`this host does not run ${kind} jobs`)
    if (codeShippingKinds.includes(kind) && !this.o.allowModules)
      throw new UnrecoverableError(`this host runs ${kind} jobs only when started with --allow-modules`)
    return runRemoteBatch(job, this.processes, this.o.name, signal)
  }

  private onControl(event: ControlEvent): void {
    if (event.action === 'cancel' && event.jobId) {
      for (const worker of this.workers) worker.cancelJob(event.jobId)
    } else if (event.hostId === this.id) {
      this.o.log(`the farm asked this host to ${event.action}`)
      void (event.action === 'drain' ? this.drain() : this.stop())
    }
  }

  private async heartbeat(): Promise<void> {
    const beat: HostHeartbeat = {
      id: this.id,
      name: this.o.name,
      hostname: hostname(),
      pid: process.pid,
      protocol: REMOTE_PROTOCOL,
      kinds: remoteKinds(),
      pools: this.o.pools,
      slots: Object.fromEntries(this.o.pools.map((pool) => [pool, this.slots()[pool]])),
      state: this.state,
      at: Date.now(),
      workers: this.processes.describe(),
    }
    await this.redis.set(hostKey(this.id), JSON.stringify(beat), 'EX', 30).catch(() => {})
  }

  /** A host of another version must not take this farm's batches: say so plainly and stop. */
  private async checkFarmProtocol(): Promise<void> {
    try {
      await redisReady(this.redis, this.o.url)
    } catch (error) {
      this.redis.disconnect()
      throw error
    }
    const farm = await this.redis.get(farmKey)
    const protocol = farm ? (JSON.parse(farm) as { protocol?: number }).protocol : undefined
    if (protocol !== undefined && protocol !== REMOTE_PROTOCOL) {
      throw new UserError(
        `The farm on this Redis speaks protocol ${protocol} and this worker ${REMOTE_PROTOCOL}: run the same Task Farm version on both.`,
        'protocol-mismatch',
      )
    }
  }

  private async leave(force: boolean): Promise<void> {
    this.state = 'draining'
    await this.heartbeat()
    await Promise.allSettled(this.workers.map((worker) => worker.close(force)))
    if (this.beat) clearInterval(this.beat)
    await this.processes.stop(force ? 0 : 3000)
    await this.control?.close().catch(() => {})
    await this.redis.del(hostKey(this.id)).catch(() => {})
    await this.redis.quit().catch(() => this.redis.disconnect())
    this.resolveEnded()
  }
}
