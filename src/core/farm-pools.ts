import { availableParallelism } from 'node:os'
import type { PoolAutoscale, PoolInfo } from '../shared/api-types'
import { poolNames, type PoolName } from '../shared/job-spec'
import type { LogLevel } from '../shared/job-state'
import type { JobScheduler } from './job-scheduler'
import type { TaskResults } from './task-results'
import type { WorkerLauncher } from './worker-handle'
import { WorkerUsage } from './worker-usage'
import { NEW_WORKER_BYTES, noRoomFor, type MachineReading } from './machine-room'
import { autoscaleStep } from './pool-autoscale'
import { WorkerPool, type PoolConfig } from './worker-pool'

export const defaultPoolConfig = (): PoolConfig => ({
  size: Math.max(1, availableParallelism()),
  maxRunningJobs: 3,
  maxTasksPerWorker: 0,
  maxWorkerMemoryBytes: 1024 ** 3,
  stopGraceMs: 3000,
  tasksPerWorker: 1,
})

export interface FarmPoolsDeps {
  /** The record to fill: the scheduler holds it already. */
  pools: Record<PoolName, WorkerPool>
  launcher: WorkerLauncher
  overrides: Partial<Record<PoolName, Partial<PoolConfig>>>
  savedSizes: Partial<Record<PoolName, number>>
  /** Pools that follow the queue, and workers' task limits, as Settings keep them. */
  savedAutoscale?: Partial<Record<PoolName, PoolAutoscale | null>>
  savedRecycle?: Partial<Record<PoolName, number>>
  scheduler: JobScheduler
  results: TaskResults
  /** Ends an active job as failed (through the job's lifecycle). */
  fail(jobId: number, error: string): void
  log(jobId: number | null, level: LogLevel, source: string, message: string): void
  /** False where the host measures workers itself (Electron's `app.getAppMetrics()`). */
  measureWorkers: boolean
}

/** The farm's named pools and what a person can do to them (Python's Pool: resize, close, terminate…). */
export class FarmPools {
  readonly pools: Record<PoolName, WorkerPool>
  /** Pools changed since the last `pool.updated` events. */
  readonly dirty = new Set<PoolName>()
  private workerIds = 0
  private readonly usage: WorkerUsage | null
  /** Bounds of the pools that follow the queue. */
  private readonly autoscale = new Map<PoolName, PoolAutoscale>()
  /** Why each pool has its size, as `pools` and the window show it. */
  private readonly reasons = new Map<PoolName, string>()
  /** Since when an autoscaled pool has had idle workers and nothing waiting. */
  private readonly idleSince = new Map<PoolName, number>()

  constructor(private readonly d: FarmPoolsDeps) {
    this.pools = d.pools
    for (const name of poolNames) this.pools[name] = this.make(name)
    for (const name of poolNames) {
      const bounds = d.savedAutoscale?.[name]
      if (bounds) this.setAutoscale(name, bounds)
    }
    this.usage = !d.measureWorkers
      ? null
      : new WorkerUsage(
          () =>
            Object.values(this.pools).flatMap((pool) =>
              pool.workers.map((w) => w.handle.pid).filter((pid) => pid !== null),
            ),
          () => Object.values(this.pools).forEach((pool) => pool.workers.length && this.dirty.add(pool.name)),
        )
  }

  /** Stops measuring workers (the farm is closing). */
  stopMeasuring(): void {
    this.usage?.close()
  }

  get(name: PoolName): WorkerPool {
    return this.pools[name]
  }

  info(): PoolInfo[] {
    return Object.values(this.pools).map((pool) => ({
      name: pool.name,
      size: pool.size,
      paused: pool.paused,
      closed: pool.closed || pool.stopped,
      maxRunningJobs: pool.config.maxRunningJobs,
      maxTasksPerWorker: pool.config.maxTasksPerWorker,
      tasksPerWorker: pool.config.tasksPerWorker,
      runningJobs: this.d.scheduler.runningCount(pool.name),
      queuedJobs: this.d.scheduler.queuedCount(pool.name),
      jobSlots: [...this.d.scheduler.runs.values()]
        .filter((run) => run.pool === pool.name)
        .map((run) => ({
          jobId: run.id,
          inUse: run.inFlightUnits,
          slots: Number.isFinite(run.slots) ? run.slots : null,
        })),
      workers: pool.workerInfo().map((w) => {
        const usage = this.usage?.of(w.pid)
        return usage ? { ...w, ...usage } : w
      }),
      autoscale: this.autoscale.get(pool.name) ?? null,
      sizeReason: this.reasons.get(pool.name) ?? 'fixed size',
    }))
  }

  /** Makes the pool follow the queue within `bounds`, or (null) keeps the size it has from now on. */
  setAutoscale(name: PoolName, bounds: PoolAutoscale | null): void {
    const pool = this.get(name)
    const now = this.autoscale.get(name)
    if (JSON.stringify(now ?? null) === JSON.stringify(bounds)) return
    this.idleSince.delete(name)
    if (!bounds) {
      this.autoscale.delete(name)
      this.reasons.set(name, `fixed size (autoscale off at ${pool.size})`)
    } else {
      this.autoscale.set(name, bounds)
      const size = Math.min(bounds.max, Math.max(bounds.min, pool.size))
      this.reasons.set(name, `autoscale ${bounds.min}–${bounds.max}: starts at ${size}`)
      if (size !== pool.size) this.setSize(name, size)
    }
    this.dirty.add(name)
  }

  /** Replaces each worker of the pool after `tasks` tasks (0: never); workers over it go after their task. */
  setRecycle(name: PoolName, tasks: number): void {
    this.get(name).config.maxTasksPerWorker = tasks
    this.dirty.add(name)
  }

  /**
   * The farm's clock: each autoscaled pool grows, shrinks or holds (`autoscaleStep` decides), and says
   * why. Resizing never stops a busy worker, so job slots hold while it changes.
   */
  adapt(now: number, machine: () => MachineReading, memfreeBytes: number): void {
    for (const [name, bounds] of this.autoscale) {
      const pool = this.get(name)
      if (!pool.started || pool.stopped || pool.closed || pool.paused) continue
      const local = pool.workers.filter((w) => !w.remote && w.state !== 'stopping' && !w.retire)
      const idle = local.filter((w) => w.state === 'idle' && w.tasks.size === 0).length
      const waiting = this.waitingUnits(name)
      if (waiting > 0 || idle === 0) this.idleSince.delete(name)
      else if (!this.idleSince.has(name)) this.idleSince.set(name, now)
      const sizes = local.flatMap((w) => (w.rss === null ? [] : [w.rss]))
      const workerBytes = sizes.length ? sizes.reduce((a, b) => a + b, 0) / sizes.length : NEW_WORKER_BYTES
      const decision = autoscaleStep({
        min: bounds.min,
        max: bounds.max,
        idleMs: bounds.idleSeconds * 1000,
        size: pool.size,
        waitingUnits: waiting,
        startingWorkers: local.filter((w) => w.state === 'starting').length,
        idleWorkers: idle,
        idleSince: this.idleSince.get(name) ?? null,
        now,
        noRoom: waiting > 0 && pool.size < bounds.max ? noRoomFor(machine(), memfreeBytes, workerBytes) : null,
      })
      if (decision.reason && decision.reason !== this.reasons.get(name)) {
        this.reasons.set(name, decision.reason)
        this.dirty.add(name)
      }
      if (decision.size === pool.size) continue
      this.d.log(null, 'info', `pool ${name}`, `${decision.size} workers: ${decision.reason ?? ''}`)
      if (decision.size < pool.size) this.idleSince.set(name, now)
      this.setSize(name, decision.size)
    }
  }

  /**
   * Units of the pool's running jobs that wait for a worker's room: the autoscaler's signal. Units
   * bounded by their job's slots (commands, URLs) do not count: more workers would not start them.
   */
  private waitingUnits(pool: PoolName): number {
    let n = 0
    for (const run of this.d.scheduler.runs.values()) {
      if (run.pool !== pool || run.state !== 'running' || run.stopping || run.memoryHeld || run.unitsAtOnce) continue
      const left = run.itemsTotal - run.itemsDone - run.itemsFailed - run.inFlightUnits
      n += Math.max(0, Math.min(left, run.freeSlots))
    }
    return n
  }

  /** Sets the pool's size; a closed or terminated pool is reopened with it (asking for workers means wanting them). */
  resize(name: PoolName, size: number): void {
    const bounds = this.autoscale.get(name)
    this.reasons.set(name, bounds ? `resized by hand (autoscale ${bounds.min}–${bounds.max} goes on)` : 'fixed size')
    const pool = this.get(name)
    const closed = pool.closed || pool.stopped
    pool.resize(size)
    if (closed) this.resume(name)
    else this.d.scheduler.dispatch(name)
  }

  /** A pool that has not started its workers yet only records the size (it starts them when a job needs it). */
  private setSize(name: PoolName, size: number): void {
    const pool = this.get(name)
    if (!pool.started) pool.config.size = size
    else pool.resize(size)
    this.dirty.add(name)
    this.d.scheduler.dispatch(name)
  }

  pause(name: PoolName): void {
    this.get(name).paused = true
    this.dirty.add(name)
  }

  resume(name: PoolName): void {
    const pool = this.get(name)
    if (pool.stopped || pool.closed) pool.restart()
    pool.paused = false
    this.dirty.add(name)
    this.d.scheduler.admit()
    this.d.scheduler.dispatch(name)
  }

  /** Like Pool.close(): running jobs finish, no new ones start, then the workers stop. */
  close(name: PoolName): void {
    this.get(name).closed = true
    this.dirty.add(name)
    this.stopClosed()
  }

  /**
   * Like Pool.terminate(): workers die now; the pool stays closed, its jobs keep their unfinished items
   * and wait (saying so) until the pool is reopened (`resume`).
   */
  terminate(name: PoolName): void {
    this.get(name).terminate()
  }

  /** Stops the workers of closed pools once their last job has ended. */
  stopClosed(): void {
    for (const pool of Object.values(this.pools)) {
      if (pool.closed && !pool.stopped && this.d.scheduler.runningCount(pool.name) === 0) void pool.shutdown()
    }
  }

  private make(name: PoolName): WorkerPool {
    const saved = this.d.savedSizes[name]
    // Network workers mostly wait on sockets: a few tasks each keep one slow URL from idling the rest.
    const kindDefaults = name === 'network' ? { tasksPerWorker: 4 } : {}
    const config = {
      ...defaultPoolConfig(),
      ...kindDefaults,
      ...(saved ? { size: saved } : {}),
      ...(this.d.savedRecycle?.[name] !== undefined ? { maxTasksPerWorker: this.d.savedRecycle[name] } : {}),
      ...this.d.overrides[name],
    }
    const { scheduler, results, log } = this.d
    const hooks = {
      onIdle: (pool: WorkerPool) => scheduler.dispatch(pool.name),
      onMessage: (worker: Parameters<TaskResults['onMessage']>[1], message: Parameters<TaskResults['onMessage']>[2]) =>
        results.onMessage(this.get(name), worker, message),
      onTaskLost: results.onTaskLost,
      onOutput: (worker: Parameters<TaskResults['onMessage']>[1], stream: 'stdout' | 'stderr', line: string) =>
        log(worker.jobId, stream === 'stderr' ? 'warn' : 'info', `worker ${worker.handle.pid}`, line),
      // Workers cannot start at all: fail the pool's jobs with the reason rather than leave them waiting.
      onBroken: (pool: WorkerPool, reason: string) => {
        for (const run of [...scheduler.runs.values()].filter((r) => r.pool === pool.name)) {
          this.d.fail(run.id, `The ${pool.name} pool cannot run: ${reason}.`)
        }
      },
      log: (pool: WorkerPool, level: LogLevel, message: string) => log(null, level, `pool ${pool.name}`, message),
      onChange: (pool: WorkerPool) => this.dirty.add(pool.name),
    }
    return new WorkerPool(name, config, this.d.launcher, hooks, () => ++this.workerIds)
  }
}
