import { availableParallelism } from 'node:os'
import type { PoolInfo } from '../shared/api-types'
import { poolNames, type PoolName } from '../shared/job-spec'
import type { LogLevel } from '../shared/job-state'
import type { JobScheduler } from './job-scheduler'
import type { TaskResults } from './task-results'
import type { WorkerLauncher } from './worker-handle'
import { WorkerUsage } from './worker-usage'
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

  constructor(private readonly d: FarmPoolsDeps) {
    this.pools = d.pools
    for (const name of poolNames) this.pools[name] = this.make(name)
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
    }))
  }

  /** Sets the pool's size; a closed or terminated pool is reopened with it (asking for workers means wanting them). */
  resize(name: PoolName, size: number): void {
    const pool = this.get(name)
    const closed = pool.closed || pool.stopped
    pool.resize(size)
    if (closed) this.resume(name)
    else this.d.scheduler.dispatch(name)
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
      ...this.d.overrides[name],
    }
    const { scheduler, results, log } = this.d
    const hooks = {
      onIdle: (pool: WorkerPool) => scheduler.dispatch(pool.name),
      onMessage: (worker: Parameters<TaskResults['onMessage']>[1], message: Parameters<TaskResults['onMessage']>[2]) =>
        results.onMessage(this.get(name), worker, message),
      onTaskLost: results.onTaskLost.bind(results),
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
