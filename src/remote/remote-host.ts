import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import { QueueEvents, UnrecoverableError, Worker, type Job } from 'bullmq'
import type { Redis } from 'ioredis'
import { UserError } from '../shared/user-error'
import { within } from '../shared/within'
import type { WorkerLauncher } from '../core/worker-handle'
import { FarmWatch } from './farm-watch'
import { HostProcesses } from './host-processes'
import { connectRedis, redactRedisUrl, redisReady } from './redis-connection'
import {
  KEY_PREFIX,
  REMOTE_PROTOCOL,
  controlQueueName,
  hostIndexKey,
  hostKey,
  openBatch,
  openControl,
  queueName,
  remoteKinds,
  type HostHeartbeat,
  type RemotePool,
  type RemoteTask,
} from './remote-protocol'
import type { RemoteSigner } from './remote-signing'
import { runRemoteBatch } from './run-remote-batch'

/** Kinds a host runs only when told to: each runs what the farm names with the host user's rights. */
export const gatedKinds: Readonly<Record<string, { flag: string; allowed: (o: RemoteHostOptions) => boolean }>> = {
  module: { flag: '--allow-modules', allowed: (o) => o.allowModules },
  command: { flag: '--allow-commands', allowed: (o) => o.allowCommands },
}

export interface RemoteHostOptions {
  url: string
  pools: RemotePool[]
  /** Worker processes on this host. */
  processes: number
  name: string
  allowModules: boolean
  allowCommands: boolean
  /** Checks the farm's signature on every batch, control and state it reads. */
  signer: RemoteSigner
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
  private readonly farm: FarmWatch
  /** Batches in hand, by BullMQ job id: a revoked one is stopped here. */
  private readonly running = new Map<string, { session: string; task: RemoteTask; stop: AbortController }>()
  private control: QueueEvents | null = null
  private beat: NodeJS.Timeout | null = null
  private state: 'running' | 'draining' = 'running'
  private draining: Promise<void> | null = null
  private stopping: Promise<void> | null = null
  private resolveEnded!: () => void
  /** Resolves when the host has left (drained, stopped, or closed). */
  readonly ended = new Promise<void>((resolve) => (this.resolveEnded = resolve))

  constructor(private readonly o: RemoteHostOptions) {
    this.redis = connectRedis(o.url, `task-farm worker ${o.name}`)
    this.processes = new HostProcesses(o.launcher, o.processes, o.log)
    this.farm = new FarmWatch(this.redis, o.signer)
  }

  async start(): Promise<void> {
    await this.checkFarmProtocol()
    this.processes.start()
    const kinds = remoteKinds()
    for (const pool of this.o.pools) {
      const worker = new Worker(queueName(pool), (job, _token, signal) => this.process(job, kinds, signal), {
        connection: this.redis,
        prefix: KEY_PREFIX,
        name: this.o.name,
        concurrency: this.slots()[pool],
        lockDuration: this.o.lockDurationMs ?? 10_000,
        stalledInterval: this.o.stalledIntervalMs ?? 5_000,
        // A batch whose host died is handed to another host this many times before the farm counts it a crash.
        maxStalledCount: 2,
        drainDelay: 1,
      })
      worker.on('error', () => {}) // Reconnects after a Redis restart are routine.
      this.workers.push(worker)
    }
    this.control = new QueueEvents(controlQueueName(), { connection: this.redis, prefix: KEY_PREFIX, lastEventId: '$' })
    this.control.on('error', () => {})
    this.control.on('control' as never, ((event: unknown) => this.onControl(event)) as never)
    // Listening before the first heartbeat shows this host to the farm: a drain sent at once is heard.
    await this.control.waitUntilReady()
    this.beat = setInterval(() => void this.heartbeat().then(() => this.readFarm()), HEARTBEAT_MS)
    await this.heartbeat()
    this.o.log(
      `worker ${this.o.name} (${this.id}) serving ${this.o.pools.join(', ')} with ${this.o.processes} processes through ${redactRedisUrl(this.o.url)}`,
    )
    const off = Object.entries(gatedKinds).filter(([, gate]) => !gate.allowed(this.o))
    if (off.length) this.o.log(`not running ${off.map(([kind, gate]) => `${kind} jobs (${gate.flag})`).join(' or ')}`)
  }

  /** Finish the batches in hand, take no more, leave. */
  drain(): Promise<void> {
    return (this.draining ??= this.leave(false))
  }

  /**
   * Leave now, a drain under way or not (the second Ctrl-C): batches in hand go to other hosts once
   * their locks run out.
   */
  stop(): Promise<void> {
    return (this.stopping ??= this.leave(true))
  }

  private slots(): Record<RemotePool, number> {
    return { network: this.o.processes * batchesPerProcess.network, cpu: this.o.processes * batchesPerProcess.cpu }
  }

  /** Signature, shape, version, gates, revocation: only then does a batch reach a worker process. */
  private async process(job: Job, kinds: string[], signal?: AbortSignal) {
    const batchId = job.id ?? ''
    const refuse = (reason: string): never => {
      this.o.log(`refused batch ${batchId}: ${reason}; nothing ran`)
      throw new UnrecoverableError(`refused by ${this.o.name}: ${reason}`)
    }
    const opened = openBatch(this.o.signer, batchId, job.data)
    if (!opened.ok) return refuse(opened.reason)
    const { session, task } = opened.value
    const kind = task.spec.kind as string
    if (!kinds.includes(kind)) return refuse(`this host does not run ${kind} jobs`)
    const gate = gatedKinds[kind]
    if (gate && !gate.allowed(this.o)) return refuse(`this host runs ${kind} jobs only when started with ${gate.flag}`)
    await this.readFarm(true)
    const why = this.farm.refusal(batchId, session, task.jobId, task.type)
    if (why) return refuse(why)
    const stop = new AbortController()
    signal?.addEventListener('abort', () => stop.abort(), { once: true })
    this.running.set(batchId, { session, task, stop })
    try {
      return await runRemoteBatch(job, task, this.processes, this.o.name, stop.signal)
    } finally {
      this.running.delete(batchId)
    }
  }

  /** The farm's state; batches it has revoked since they started stop now (a cancel this host missed). */
  private async readFarm(waiting = false): Promise<void> {
    try {
      await (waiting ? this.farm.readWaiting() : this.farm.read())
    } catch (error) {
      if (!(error instanceof UserError)) return // Redis is away: the next beat reads again.
      this.o.log(error.message)
      void this.stop()
      return
    }
    for (const [batchId, batch] of this.running) {
      const why = this.farm.refusal(batchId, batch.session, batch.task.jobId, batch.task.type)
      if (!why || batch.stop.signal.aborted) continue
      this.o.log(`stopping batch ${batchId}: ${why}`)
      batch.stop.abort()
    }
  }

  private onControl(event: unknown): void {
    const opened = openControl(this.o.signer, event)
    if (!opened.ok) return this.o.log(`refused a control message: ${opened.reason}`)
    const control = opened.value
    if (control.action === 'cancel' && control.batch) {
      this.running.get(control.batch)?.stop.abort()
    } else if (control.hostId === this.id) {
      this.o.log(`the farm asked this host to ${control.action}`)
      void (control.action === 'drain' ? this.drain() : this.stop())
    }
  }

  private async heartbeat(): Promise<void> {
    const beat: HostHeartbeat = {
      id: this.id,
      name: this.o.name,
      hostname: hostname(),
      pid: process.pid,
      protocol: REMOTE_PROTOCOL,
      keyId: this.o.signer.keyId,
      kinds: remoteKinds().filter((kind) => gatedKinds[kind]?.allowed(this.o) ?? true),
      pools: this.o.pools,
      slots: Object.fromEntries(this.o.pools.map((pool) => [pool, this.slots()[pool]])),
      state: this.state,
      at: Date.now(),
      workers: this.processes.describe(),
    }
    await this.redis
      .multi()
      .set(hostKey(this.id), JSON.stringify(beat), 'EX', 30)
      .sadd(hostIndexKey, this.id)
      .exec()
      .catch(() => {})
  }

  /** A host of another version, or holding another key, must not take this farm's batches: say so and stop. */
  private async checkFarmProtocol(): Promise<void> {
    try {
      await redisReady(this.redis, this.o.url, this.o.log)
      await this.farm.read()
    } catch (error) {
      this.redis.disconnect()
      throw error
    }
  }

  /**
   * Takes no more batches and leaves. Redis may be gone (a host can outlive it, and its commands then
   * wait for a reconnect for ever): a step that needs it waits `REDIS_GRACE_MS` at most, and once one
   * has had no answer, later ones are not waited for. A drain's wait for the batches in hand is the
   * only wait without an end; a stop cuts it short (BullMQ's forced close after a drain's close would
   * only wait for that one). Without Redis a drain is a stop: what the batches in hand did could not
   * reach the farm, which gives them to another host once their locks run out.
   */
  private async leave(stop: boolean): Promise<void> {
    this.state = 'draining'
    let answering = await settled(this.heartbeat())
    if (!answering && !stop)
      this.o.log(`Redis does not answer: leaving now, the farm hands the batches in hand to others`)
    const force = stop || !answering
    const step = async (work: Promise<unknown> | undefined): Promise<void> => {
      if (answering) answering = await settled(work)
      else work?.catch(noop)
    }
    const closed = Promise.allSettled(this.workers.map((worker) => worker.close(force)))
    await (force ? step(closed) : closed)
    if (this.beat) clearInterval(this.beat)
    await this.processes.stop(force ? 0 : 3000)
    await step(this.control?.close())
    await step(this.redis.multi().del(hostKey(this.id)).srem(hostIndexKey, this.id).exec())
    await step(this.redis.quit())
    this.redis.disconnect()
    this.resolveEnded()
  }
}

/** How long a host that leaves waits for each answer from Redis. */
const REDIS_GRACE_MS = 2000

/** Whether `work` settled (either way) within `REDIS_GRACE_MS`. */
const settled = (work: Promise<unknown> | undefined): Promise<boolean> =>
  work ? within(work.then(yes, yes), REDIS_GRACE_MS, false) : Promise.resolve(true)
const yes = (): boolean => true
const noop = (): void => {}
