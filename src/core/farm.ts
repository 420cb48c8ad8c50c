import type { JobDetail, JobSummary, PoolAutoscale, PoolInfo } from '../shared/api-types'
import {
  jobOptionsSchema,
  jobTitle,
  kindTraits,
  type JobOptions,
  type JobSpec,
  type PoolName,
} from '../shared/job-spec'
import { summaryHasEnded, type LogLevel } from '../shared/job-state'
import { UserError } from '../shared/user-error'
import { FarmEvents } from './farm-events'
import { assembleJobParts, assemblePoolParts, recoverInterrupted, takeOverQueue } from './farm-assembly'
import { type HistoryWriter } from './history-writer'
import { type JobScheduler } from './job-scheduler'
import { hooksFor } from './kinds'
import { type JobLifecycle } from './job-lifecycle'
import { type JobChains } from './job-chains'
import { jobDetail, jobSummary } from './job-views'
import { FarmTicker } from './farm-ticker'
import type { JobStopRules } from './job-stop-rules'
import { FarmLock } from './store/farm-lock'
import { JobStore } from './store/job-store'
import { storedSpec } from './store/job-queries'
import { openDatabase } from './store/open-database'
import { type TaskResults } from './task-results'
import type { WorkerPool } from './worker-pool'
import { type FarmPools } from './farm-pools'
import { parseSpec } from './parse-spec'
import { type FarmRemote } from './farm-remote'
import type { FarmOptions } from './farm-options'
import type { FarmSchedules } from './farm-schedules'
import type { JobEndRunner } from './job-end-runner'
import { type MemoryGuard } from './memory-guard'

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
  private readonly stopRules: JobStopRules
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
    const notes = { dirtyJobs: this.dirtyJobs, countedJobs: this.countedJobs }
    const parts = assembleJobParts(this, options, notes)
    ;({
      writer: this.writer,
      endRunner: this.endRunner,
      schedules: this.schedules,
      scheduler: this.scheduler,
      lifecycle: this.lifecycle,
      stopRules: this.stopRules,
      chains: this.chains,
      results: this.results,
    } = parts)
    const recovered = recoverInterrupted(this.store, this.lifecycle, options.dbPath)
    ;({
      memory: this.memory,
      poolSet: this.poolSet,
      remote: this.remote,
    } = assemblePoolParts(this, options, notes, parts))
    if (options.autoStart) takeOverQueue(this, parts, recovered)
    this.endRunner.runOwed()
    this.ticker = new FarmTicker(
      {
        scheduler: this.scheduler,
        stopRules: this.stopRules,
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
    this.stopRules.createdAt.set(id, Date.now())
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

  /** Stops one job as `interrupted` (a client's Ctrl-C): its units stay pending for `resume`; resolves once stopped. */
  async interrupt(jobId: number): Promise<void> {
    this.askInterrupt(jobId)
    await this.waitForEnd(jobId)
  }

  /** `interrupt`, over once the farm has taken it (a job that cannot be interrupted is refused). */
  askInterrupt(jobId: number): void {
    this.lifecycle.apply(jobId, 'interrupt')
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
    const poolsStopped = Promise.all(Object.values(this.pools).map((pool) => pool.shutdown()))
    // The WAL goes into the file while the workers exit (~10 ms on a disk for each, side by side).
    // PASSIVE waits for no reader; the close below, the last connection's, then finds little or
    // nothing left to copy and removes the WAL (workers' read-only connections cannot).
    this.writer.flush()
    this.store.db.pragma('wal_checkpoint(PASSIVE)')
    await poolsStopped
    await this.remote.close()
    this.writer.flush()
    this.store.db.close()
    this.lock.release()
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
