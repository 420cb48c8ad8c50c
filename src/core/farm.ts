import {
  summaryHasEnded,
  type JobDetail,
  type JobSummary,
  type PoolAutoscale,
  type PoolInfo,
} from '../shared/api-types'
import {
  jobOptionsSchema,
  jobTitle,
  kindTraits,
  type JobOptions,
  type JobSpec,
  type PoolName,
} from '../shared/job-spec'
import type { LogLevel } from '../shared/job-state'
import { UserError } from '../shared/user-error'
import { FarmEvents } from './farm-events'
import { HistoryWriter } from './history-writer'
import { JobScheduler } from './job-scheduler'
import { hooksFor } from './kinds'
import { JobLifecycle } from './job-lifecycle'
import { JobChains } from './job-chains'
import { jobDetail, jobSummary } from './job-views'
import { FarmTicker } from './farm-ticker'
import { FarmLock } from './store/farm-lock'
import { JobStore } from './store/job-store'
import { storedSpec } from './store/job-queries'
import { openDatabase } from './store/open-database'
import { TaskResults } from './task-results'
import type { WorkerPool } from './worker-pool'
import { FarmPools } from './farm-pools'
import { parseSpec } from './parse-spec'
import { FarmRemote } from './farm-remote'
import { dirname, resolve } from 'node:path'
import type { FarmOptions } from './farm-options'
import type { FarmSchedules } from './farm-schedules'
import type { JobEndRunner } from './job-end-runner'
import { farmFollowUps } from './farm-follow-ups'
import { MemoryGuard } from './memory-guard'
import { systemMachineReader } from './machine-room'
import { savedFarming } from './saved-farming'

export { defaultPoolConfig } from './farm-pools'
export type { FarmOptions } from './farm-options'

/** The farmer: owns the history, the pools and every job's life. The only writer of its database. */
export class Farm {
  readonly events = new FarmEvents()
  readonly store: JobStore
  /** Every named pool; filled by FarmPools once the scheduler that shares it exists. */
  readonly pools = {} as Record<PoolName, WorkerPool>
  private readonly poolSet: FarmPools
  private readonly lock: FarmLock
  private readonly writer: HistoryWriter
  private readonly scheduler: JobScheduler
  private readonly results: TaskResults
  /** The one writer of every job's state and phase. */
  private readonly lifecycle: JobLifecycle
  /** Jobs that follow jobs: moved on when the jobs they follow end. */
  private readonly chains: JobChains
  readonly remote: FarmRemote
  private readonly dirtyJobs = new Set<number>()
  /** Active jobs whose counters moved (the scheduler's notes): published without reading their row. */
  private readonly countedJobs = new Set<number>()
  private readonly ticker: FarmTicker
  /** Jobs started on time; only a farm that runs the queue (`autoStart`) starts them. */
  readonly schedules: FarmSchedules
  private readonly endRunner: JobEndRunner
  private closed = false
  private stopping: Promise<void> | null = null
  /** Farm-wide `--memfree` in bytes (Settings); 0: none. */
  memfreeBytes = 0
  private readonly memory: MemoryGuard

  constructor(readonly options: FarmOptions) {
    this.lock = FarmLock.acquire(options.dbPath)
    try {
      this.store = new JobStore(openDatabase(options.dbPath, { readonly: false }))
    } catch (error) {
      this.lock.release()
      throw error
    }
    this.writer = new HistoryWriter(
      this.store,
      (entries) => this.events.emit('job.log', { entries }),
      (jobIds) => jobIds.forEach((jobId) => this.events.emit('job.units', { jobId })),
    )
    ;({ endRunner: this.endRunner, schedules: this.schedules } = farmFollowUps(this))
    this.scheduler = new JobScheduler({
      store: this.store,
      writer: this.writer,
      pools: this.pools,
      now: Date.now,
      log: (jobId, level, source, message) => this.log(jobId, level, source, message),
      jobChanged: (job) => this.countedJobs.add(job.id),
      lifecycle: () => this.lifecycle,
      cancelGraceMs: options.cancelGraceMs ?? 3000,
      cleanupLimitMs: options.cleanupLimitMs ?? (options.cancelGraceMs ?? 3000) * 100,
      history: options.inlineUnits ? null : resolve(options.dbPath),
    })
    this.lifecycle = new JobLifecycle({
      store: this.store,
      writer: this.writer,
      scheduler: this.scheduler,
      pools: this.pools,
      now: Date.now,
      log: (...a) => this.log(...a),
      changed: (jobId) => this.dirtyJobs.add(jobId),
      ended: (jobId) => {
        this.endRunner.jobEnded(jobId)
        this.events.emit('job.ended', this.summary(jobId))
        this.chains.ended(jobId)
      },
      transitioned: options.onTransition,
    })
    this.chains = new JobChains({
      store: this.store,
      lifecycle: this.lifecycle,
      owner: options.autoStart === true,
      log: (jobId, message) => this.log(jobId, 'info', 'core', message),
    })
    this.results = new TaskResults({
      scheduler: this.scheduler,
      lifecycle: this.lifecycle,
      store: this.store,
      writer: this.writer,
      log: (...a) => this.log(...a),
    })
    const recovered = this.recover()
    const saved = savedFarming(this.store.setting('settings'))
    this.memfreeBytes = saved.memfreeBytes
    this.memory = new MemoryGuard({
      scheduler: this.scheduler,
      read: options.readMachine ?? systemMachineReader(),
      memfreeBytes: () => this.memfreeBytes,
      pools: this.pools,
      cancelGraceMs: options.cancelGraceMs ?? 3000,
      log: (...a) => this.log(...a),
      changed: (job) => this.dirtyJobs.add(job.id),
    })
    this.scheduler.memoryHolds = (run) => this.memory.holds(run)
    this.poolSet = new FarmPools({
      pools: this.pools,
      launcher: options.launcher,
      overrides: options.pools ?? {},
      savedSizes: (this.store.setting('poolSizes') as Partial<Record<PoolName, number>> | undefined) ?? {},
      savedAutoscale: saved.poolAutoscale,
      savedRecycle: saved.poolRecycle,
      scheduler: this.scheduler,
      results: this.results,
      fail: (jobId, error) => this.lifecycle.apply(jobId, 'fail', { note: error, error }),
      log: (...a) => this.log(...a),
      measureWorkers: options.measureWorkers ?? true,
    })
    this.remote = new FarmRemote(
      {
        pools: this.pools,
        dispatch: (pool) => this.scheduler.dispatch(pool),
        changed: (pool) => this.poolSet.dirty.add(pool),
        log: (level, message) => this.log(null, level, 'remote', message),
        historyFolder: dirname(resolve(options.dbPath)),
        // Being cancelled counts: the history's row follows a moment later.
        cancelled: (jobId) =>
          this.scheduler.runs.get(jobId)?.stopping === 'cancel' || this.store.job(jobId)?.state === 'cancelled',
      },
      () => Object.keys(this.pools) as PoolName[],
      options.remote,
      options.connectRemote,
    )
    if (options.autoStart) {
      for (const id of this.store.jobIdsInState('queued')) {
        const row = this.store.job(id)!
        this.scheduler.enqueue(id, kindTraits[row.kind as JobSpec['kind']].pool, row.priority)
      }
      this.scheduler.admit()
      this.finishOwedCancels()
      this.chains.opened(recovered)
      this.schedules.start()
    }
    this.endRunner.runOwed()
    this.ticker = new FarmTicker(
      {
        scheduler: this.scheduler,
        lifecycle: this.lifecycle,
        writer: this.writer,
        store: this.store,
        events: this.events,
        pools: this.poolSet,
        poolInfo: () => this.poolInfo(),
        log: (...a) => this.log(...a),
        dirtyJobs: this.dirtyJobs,
        countedJobs: this.countedJobs,
        memory: this.memory,
        memfreeBytes: () => this.memfreeBytes,
      },
      options.tickMs ?? 100,
    )
  }

  /** Validates a spec and the kind's cheap checks; the job waits in the queue until its pool has room. */
  async create(specInput: unknown, optionsInput: Partial<JobOptions> = {}): Promise<number> {
    const spec = parseSpec(specInput)
    const options = jobOptionsSchema.parse(optionsInput)
    const problems = await hooksFor(spec).check(spec)
    if (problems.length) throw new UserError(problems.join('\n'), 'check-failed')
    const pool = kindTraits[spec.kind].pool
    this.chains.checkNew(spec, options.after)
    const id = this.store.createJob(
      {
        kind: spec.kind,
        title: jobTitle(spec),
        spec,
        priority: options.priority,
        pool,
        planOnly: options.planOnly,
        memfree: options.memfree ?? null,
      },
      Date.now(),
    )
    this.endRunner.remember(id, options.then)
    this.log(id, 'info', 'core', `created: ${jobTitle(spec)}${options.planOnly ? ' (plan only)' : ''}`)
    this.ticker.createdAt.set(id, Date.now())
    this.dirtyJobs.add(id)
    if (options.after.length) {
      this.chains.follow(id, options.after)
      return id
    }
    this.scheduler.enqueue(id, pool, options.priority)
    this.scheduler.admit()
    return id
  }

  async check(specInput: unknown): Promise<string[]> {
    const spec = parseSpec(specInput)
    return hooksFor(spec).check(spec)
  }

  // Every control is an event of the job's lifecycle: the table in job-transitions.ts decides.
  pause = (jobId: number): void => this.lifecycle.apply(jobId, 'pause')
  /** Resumes a paused, interrupted or timed-out job: only its unfinished units run. */
  resume = (jobId: number): void => this.lifecycle.apply(jobId, 'resume')
  /** Re-runs only the failed units of an ended job (and whatever a cancel or a stop left undone). */
  retry = (jobId: number): void => this.lifecycle.apply(jobId, 'retry')

  /** Stops a job for good; a job that ever ran gets its clean-up (temporary files) first. */
  cancel(jobId: number): void {
    this.lifecycle.apply(jobId, 'cancel')
    if (this.scheduler.runs.has(jobId)) this.log(jobId, 'info', 'core', 'cancelling')
  }

  /**
   * Stops one job as `interrupted`, as a stopping farm does to all of them (a client's Ctrl-C):
   * its workers abort their units, which stay pending; `resume` goes on from there.
   */
  async interrupt(jobId: number): Promise<void> {
    this.lifecycle.apply(jobId, 'interrupt')
    await this.waitForEnd(jobId)
  }

  /** A new priority; a queued job moves in its pool's queue at once. */
  setPriority(jobId: number, priority: number): void {
    const row = this.row(jobId)
    this.store.setPriority(jobId, priority)
    if (this.scheduler.dequeue(jobId))
      this.scheduler.enqueue(jobId, kindTraits[row.kind as JobSpec['kind']].pool, priority)
    this.dirtyJobs.add(jobId)
  }

  remove(jobId: number): void {
    if (this.scheduler.runs.has(jobId))
      throw new UserError(`Job ${jobId} is active: cancel it before removing it.`, 'bad-state')
    this.row(jobId)
    this.chains.checkRemovable(jobId)
    this.scheduler.dequeue(jobId)
    this.writer.flush()
    this.store.removeJob(jobId)
    this.events.emit('job.removed', { jobId })
  }

  async rerun(jobId: number): Promise<number> {
    const row = this.row(jobId)
    const then = this.summary(jobId).then ?? undefined
    return this.create(storedSpec(row), {
      priority: row.priority,
      planOnly: row.plan_only === 1,
      then,
      ...(row.memfree != null ? { memfree: row.memfree } : {}),
    })
  }

  summary(jobId: number): JobSummary {
    return jobSummary(this.row(jobId), this.scheduler.runs.get(jobId))
  }

  detail(jobId: number): JobDetail {
    const detail = jobDetail(this.row(jobId), this.scheduler.runs.get(jobId), this.store.timeline(jobId))
    const followers = this.store.followers(jobId)
    return followers.length ? { ...detail, followers } : detail
  }

  /** Makes a queued or waiting job wait for more jobs (`--after` given later); a cycle is refused. */
  follow(jobId: number, after: JobOptions['after']): void {
    this.row(jobId)
    this.chains.follow(jobId, after)
  }

  list(query: Parameters<JobStore['listJobs']>[0]): { jobs: JobSummary[]; total: number } {
    const { rows, total } = this.store.listJobs(query)
    return { jobs: rows.map((row) => jobSummary(row, this.scheduler.runs.get(row.id))), total }
  }

  /** Resolves when the job has ended and owes no cancel (`summaryHasEnded`), the farm stopping under it included. */
  waitForEnd(jobId: number): Promise<JobSummary> {
    return new Promise((resolve) => {
      // The events carry the summary as just made: no read of the job's row per update.
      const check = (summary = this.summary(jobId)): boolean => {
        if (!summaryHasEnded(summary)) return false
        off()
        offUpdate()
        resolve(summary)
        return true
      }
      const off = this.events.on('job.ended', (s) => s.id === jobId && check(s))
      const offUpdate = this.events.on('job.updated', (s) => s.id === jobId && check(s))
      check()
    })
  }

  poolInfo(): PoolInfo[] {
    const waiting = this.store.waitingByPool()
    return this.remote.withHosts(this.poolSet.info()).map((p) => ({ ...p, waitingJobs: waiting[p.name] ?? 0 }))
  }
  pool(name: PoolName): WorkerPool {
    return this.poolSet.get(name)
  }
  resizePool = (name: PoolName, size: number): void => this.poolSet.resize(name, size)
  autoscalePool = (name: PoolName, bounds: PoolAutoscale | null): void => this.poolSet.setAutoscale(name, bounds)
  recyclePool = (name: PoolName, tasks: number): void => this.poolSet.setRecycle(name, tasks)

  pausePool = (name: PoolName): void => this.poolSet.pause(name)
  resumePool = (name: PoolName): void => this.poolSet.resume(name)
  closePool = (name: PoolName): void => this.poolSet.close(name)
  terminatePool = (name: PoolName): void => this.poolSet.terminate(name)

  log(jobId: number | null, level: LogLevel, source: string, message: string): void {
    if (this.closed) return
    this.writer.log({ jobId, at: Date.now(), level, source, message })
  }

  /**
   * Stops the farm. `graceful`: running jobs stop at their next item (up to the grace period, then
   * their workers are killed) and become `interrupted`; `now`: workers are killed at once.
   */
  shutdown(mode: 'graceful' | 'now' = 'graceful'): Promise<void> {
    if (mode === 'now') for (const pool of Object.values(this.pools)) pool.terminate()
    this.stopping ??= this.stop()
    return this.stopping
  }

  private async stop(): Promise<void> {
    await this.schedules.stop()
    this.scheduler.closing = true
    const active = [...this.scheduler.runs.values()]
    for (const run of active) this.lifecycle.apply(run.id, 'farm-stopped')
    await Promise.all(active.map((run) => this.scheduler.abortTasks(run)))
    // Actions of jobs that just ended still log into the history.
    await this.endRunner.stop()
    this.ticker.tick()
    this.closed = true
    this.ticker.stop()
    this.poolSet.stopMeasuring()
    await Promise.all(Object.values(this.pools).map((pool) => pool.shutdown()))
    await this.remote.close()
    this.writer.flush()
    this.store.db.close()
    this.lock.release()
  }

  /** Jobs that were running when the farm last stopped without warning become `interrupted`; returns them. */
  private recover(): number[] {
    const ids = this.store.jobIdsInState('running')
    for (const id of ids) {
      this.store.recount(id)
      this.lifecycle.apply(id, 'recovered')
    }
    return ids
  }

  /**
   * Cancels accepted before the farm died or stopped are finished by the next farm that owns the
   * history (the app, `serve`): the table's `cancel` again, clean-up first. A CLI's own farm leaves them.
   */
  private finishOwedCancels(): void {
    for (const id of this.store.jobIdsOwingCancel()) {
      this.log(id, 'info', 'core', 'finishing the cancel accepted before the farm stopped')
      this.lifecycle.apply(id, 'cancel', { note: 'cancelled by the user (before the farm stopped)' })
    }
  }

  private row(jobId: number) {
    const row = this.store.job(jobId)
    if (!row) throw new UserError(`There is no job ${jobId}.`, 'no-such-job')
    return row
  }
}

/** Opens the farm on a history database: takes its lock, recovers interrupted jobs, starts the pools. */
export function openFarm(options: FarmOptions): Farm {
  return new Farm(options)
}
