import type { JobDetail, JobSummary, PoolInfo } from '../shared/api-types'
import {
  jobOptionsSchema,
  jobTitle,
  kindTraits,
  type JobOptions,
  type JobSpec,
  type PoolName,
} from '../shared/job-spec'
import { isFinished, type LogLevel } from '../shared/job-state'
import { UserError } from '../shared/user-error'
import { FarmEvents } from './farm-events'
import { HistoryWriter } from './history-writer'
import { JobScheduler } from './job-scheduler'
import { hooksFor } from './kinds'
import type { StopVerdict } from './kinds/kind-hooks'
import type { JobRun } from './job-run'
import { jobDetail, jobSummary } from './job-views'
import { FarmLock } from './store/farm-lock'
import { JobStore } from './store/job-store'
import { storedSpec } from './store/job-queries'
import { openDatabase } from './store/open-database'
import { TaskResults } from './task-results'
import type { WorkerLauncher } from './worker-handle'
import type { WorkerPool, PoolConfig } from './worker-pool'
import { FarmPools } from './farm-pools'
import { parseSpec } from './parse-spec'
import { FarmRemote } from './farm-remote'
import type { RemoteLink } from './remote-link'
import { dirname, resolve } from 'node:path'

export { defaultPoolConfig } from './farm-pools'

export interface FarmOptions {
  dbPath: string
  launcher: WorkerLauncher
  pools?: Partial<Record<PoolName, Partial<PoolConfig>>>
  /** Start the queued jobs found in the history (the app and the web host); the CLI runs only its own. */
  autoStart?: boolean
  cancelGraceMs?: number
  /** Read workers' CPU and memory with pidusage (default); the desktop app measures its own. */
  measureWorkers?: boolean
  /** How often progress is published: 100 ms keeps every job at ≤ 10 UI events per second. */
  tickMs?: number
  /** Remote worker hosts (src/remote, on BullMQ) that add capacity to the pools that can use them. */
  remote?: RemoteLink
  /** Opens remote capacity for a Redis URL chosen in Settings (the hosts that can offer it pass this). */
  connectRemote?: (url: string) => RemoteLink
  /**
   * Send every unit in the run messages, for workers that cannot read the history file (on other
   * hosts). By default workers read an item's units from the history themselves.
   */
  inlineUnits?: boolean
}

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
  readonly remote: FarmRemote
  private readonly dirtyJobs = new Set<number>()
  private readonly ticker: NodeJS.Timeout
  private closed = false
  private stopping: Promise<void> | null = null
  /** When jobs created by this farm were created: the clock of their kind's deadline. */
  private readonly createdAt = new Map<number, number>()

  constructor(readonly options: FarmOptions) {
    this.lock = FarmLock.acquire(options.dbPath)
    try {
      this.store = new JobStore(openDatabase(options.dbPath, { readonly: false }))
    } catch (error) {
      this.lock.release()
      throw error
    }
    this.writer = new HistoryWriter(this.store, (entries) => this.events.emit('job.log', { entries }))
    this.scheduler = new JobScheduler({
      store: this.store,
      writer: this.writer,
      pools: this.pools,
      now: Date.now,
      log: (jobId, level, source, message) => this.log(jobId, level, source, message),
      jobChanged: (job) => this.dirtyJobs.add(job.id),
      jobFinished: (job) => this.events.emit('job.ended', this.summary(job.id)),
      cancelGraceMs: options.cancelGraceMs ?? 3000,
      history: options.inlineUnits ? null : resolve(options.dbPath),
    })
    this.results = new TaskResults({
      scheduler: this.scheduler,
      store: this.store,
      writer: this.writer,
      log: (...a) => this.log(...a),
    })
    this.recover()
    this.poolSet = new FarmPools({
      pools: this.pools,
      launcher: options.launcher,
      overrides: options.pools ?? {},
      savedSizes: (this.store.setting('poolSizes') as Partial<Record<PoolName, number>> | undefined) ?? {},
      scheduler: this.scheduler,
      results: this.results,
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
    }
    this.ticker = setInterval(() => this.tick(), options.tickMs ?? 100)
  }

  /** Validates a spec and the kind's cheap checks; the job waits in the queue until its pool has room. */
  async create(specInput: unknown, optionsInput: Partial<JobOptions> = {}): Promise<number> {
    const spec = parseSpec(specInput)
    const options = jobOptionsSchema.parse(optionsInput)
    const problems = await hooksFor(spec).check(spec)
    if (problems.length) throw new UserError(problems.join('\n'), 'check-failed')
    const pool = kindTraits[spec.kind].pool
    const id = this.store.createJob(
      { kind: spec.kind, title: jobTitle(spec), spec, priority: options.priority, pool, planOnly: options.planOnly },
      Date.now(),
    )
    this.log(id, 'info', 'core', `created: ${jobTitle(spec)}${options.planOnly ? ' (plan only)' : ''}`)
    this.createdAt.set(id, Date.now())
    this.scheduler.enqueue(id, pool, options.priority)
    this.scheduler.admit()
    this.dirtyJobs.add(id)
    return id
  }

  async check(specInput: unknown): Promise<string[]> {
    const spec = parseSpec(specInput)
    return hooksFor(spec).check(spec)
  }

  pause(jobId: number): void {
    const run = this.scheduler.runs.get(jobId)
    if (run?.state === 'running' && !run.stopping) return this.scheduler.setState(run, 'paused', 'paused by the user')
    const row = this.row(jobId)
    if (row.state === 'queued') {
      this.scheduler.dequeue(jobId)
      this.store.setState(jobId, 'paused', Date.now(), 'paused before it started')
      this.dirtyJobs.add(jobId)
      return
    }
    throw new UserError(`Job ${jobId} is ${row.state}: only a running or queued job can be paused.`, 'bad-state')
  }

  /** Resumes a paused or interrupted job: only its unfinished items run. */
  resume(jobId: number): void {
    const run = this.scheduler.runs.get(jobId)
    if (run) {
      if (run.state === 'paused' && !run.stopping) return this.scheduler.setState(run, 'running', 'resumed')
      throw new UserError(`Job ${jobId} is already ${run.stopping ? 'stopping' : run.state}.`, 'bad-state')
    }
    const row = this.row(jobId)
    if (isFinished(row.state)) {
      throw new UserError(
        `Job ${jobId} has ended (${row.state}); use retry to re-run its failed items, or run it again.`,
        'bad-state',
      )
    }
    this.restartFromHistory(jobId, 'resumed')
  }

  /** Re-runs only the failed items of an ended job (and whatever a cancel or a stop left undone). */
  retry(jobId: number): void {
    if (this.scheduler.runs.has(jobId))
      throw new UserError(`Job ${jobId} is still active; retry it once it has ended.`, 'bad-state')
    const row = this.row(jobId)
    if (row.state === 'queued') throw new UserError(`Job ${jobId} has not run yet.`, 'bad-state')
    const reset = this.store.resetFailedItems(jobId)
    if (row.state === 'completed' && reset === 0)
      throw new UserError(`Job ${jobId} has no failed items to retry.`, 'nothing-to-retry')
    this.log(jobId, 'info', 'core', `retrying ${reset} failed item${reset === 1 ? '' : 's'}`)
    this.restartFromHistory(jobId, 'retry')
  }

  cancel(jobId: number): void {
    const run = this.scheduler.runs.get(jobId)
    if (run) {
      if (run.stopping === 'cancel') return
      this.log(jobId, 'info', 'core', 'cancelling')
      return this.scheduler.cancel(run)
    }
    const row = this.row(jobId)
    if (isFinished(row.state)) throw new UserError(`Job ${jobId} has already ended (${row.state}).`, 'bad-state')
    this.scheduler.dequeue(jobId)
    this.store.setState(jobId, 'cancelled', Date.now(), 'cancelled before it ran again', { finished: true })
    this.dirtyJobs.add(jobId)
  }

  /**
   * Stops one job as `interrupted`, as a stopping farm does to all of them (a client's Ctrl-C):
   * its workers abort their items, which stay pending; `resume` goes on from there.
   */
  async interrupt(jobId: number): Promise<void> {
    const run = this.scheduler.runs.get(jobId)
    if (!run) {
      const row = this.row(jobId)
      if (row.state === 'queued') {
        this.scheduler.dequeue(jobId)
        this.store.setState(jobId, 'interrupted', Date.now(), 'interrupted before it started')
        this.dirtyJobs.add(jobId)
        return
      }
      throw new UserError(`Job ${jobId} is ${row.state}: only an active job can be interrupted.`, 'bad-state')
    }
    if (run.stopping) return
    run.stopping = 'interrupt'
    await this.scheduler.abortTasks(run)
    this.writer.flush()
    this.scheduler.runs.delete(jobId)
    this.store.recount(jobId)
    this.store.setState(jobId, 'interrupted', Date.now(), 'interrupted by the user')
    this.dirtyJobs.add(jobId)
    this.scheduler.admit()
    this.scheduler.dispatch(run.pool)
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
    this.scheduler.dequeue(jobId)
    this.writer.flush()
    this.store.removeJob(jobId)
    this.events.emit('job.removed', { jobId })
  }

  async rerun(jobId: number): Promise<number> {
    const row = this.row(jobId)
    return this.create(storedSpec(row), { priority: row.priority, planOnly: row.plan_only === 1 })
  }

  summary(jobId: number): JobSummary {
    return jobSummary(this.row(jobId), this.scheduler.runs.get(jobId))
  }

  detail(jobId: number): JobDetail {
    return jobDetail(this.row(jobId), this.scheduler.runs.get(jobId), this.store.timeline(jobId))
  }

  list(query: Parameters<JobStore['listJobs']>[0]): { jobs: JobSummary[]; total: number } {
    const { rows, total } = this.store.listJobs(query)
    return { jobs: rows.map((row) => jobSummary(row, this.scheduler.runs.get(row.id))), total }
  }

  /** Resolves when the job has ended (or the farm stopped under it). */
  waitForEnd(jobId: number): Promise<JobSummary> {
    return new Promise((resolve) => {
      const check = (): boolean => {
        const summary = this.summary(jobId)
        if (!isFinished(summary.state) && summary.state !== 'interrupted' && summary.state !== 'timed-out') return false
        off()
        offUpdate()
        resolve(summary)
        return true
      }
      const off = this.events.on('job.ended', (s) => s.id === jobId && check())
      const offUpdate = this.events.on('job.updated', (s) => s.id === jobId && check())
      check()
    })
  }

  poolInfo(): PoolInfo[] {
    return this.remote.withHosts(this.poolSet.info())
  }
  pool(name: PoolName): WorkerPool {
    return this.poolSet.get(name)
  }
  resizePool = (name: PoolName, size: number): void => this.poolSet.resize(name, size)
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
    const active = [...this.scheduler.runs.values()]
    for (const run of active) run.stopping ??= 'interrupt'
    await Promise.all(active.map((run) => this.scheduler.abortTasks(run)))
    for (const run of active) {
      if (run.state === 'running') this.store.setState(run.id, 'interrupted', Date.now(), 'the farm stopped')
      run.state = run.state === 'running' ? 'interrupted' : run.state
      this.dirtyJobs.add(run.id)
    }
    this.tick()
    this.closed = true
    clearInterval(this.ticker)
    this.poolSet.stopMeasuring()
    await Promise.all(Object.values(this.pools).map((pool) => pool.shutdown()))
    await this.remote.close()
    this.writer.flush()
    this.store.db.close()
    this.lock.release()
  }

  private restartFromHistory(jobId: number, note: string): void {
    const wasInterrupted = this.row(jobId).state !== 'paused'
    this.scheduler.dequeue(jobId)
    this.writer.flush()
    this.store.recount(jobId)
    const run = this.scheduler.start(jobId, note)
    // Whatever a crash or a cancel left half-done (temporary files…) is tidied before items run again.
    if (run.planned && wasInterrupted) run.special = 'cleanup-resume'
    this.scheduler.dispatch(run.pool)
  }

  /** Jobs that were running when the farm last stopped without warning become `interrupted`. */
  private recover(): void {
    for (const id of this.store.jobIdsInState('running')) {
      this.store.recount(id)
      this.store.setState(id, 'interrupted', Date.now(), 'the farm stopped while this job ran (crash or kill)')
    }
  }

  private row(jobId: number) {
    const row = this.store.job(jobId)
    if (!row) throw new UserError(`There is no job ${jobId}.`, 'no-such-job')
    return row
  }

  /** A kind's stop rule said this job must end now (deadline, `--halt`): its unfinished items stay pending. */
  private endEarly(run: JobRun, verdict: StopVerdict): void {
    run.stopping = 'interrupt'
    run.retryQueue.length = 0
    this.log(run.id, 'warn', 'core', verdict.reason)
    const settled = verdict.kill ? this.scheduler.abortTasks(run) : tasksEnded(run)
    void settled.then(() => {
      if (this.stopping || this.scheduler.runs.get(run.id) !== run) return
      this.createdAt.delete(run.id)
      this.scheduler.finish(run, verdict.state, verdict.reason)
    })
  }

  private tick(): void {
    const now = Date.now()
    for (const run of this.scheduler.runs.values()) {
      const rule = hooksFor(run.spec).stopRule
      if (rule && run.state === 'running' && !run.stopping) {
        const created = this.createdAt.get(run.id)
        const verdict = rule(run.spec, {
          itemsFailed: run.itemsFailed,
          elapsedMs: created === undefined ? null : now - created,
        })
        if (verdict) this.endEarly(run, verdict)
      }
      if (run.state === 'running') {
        run.meter.sample(now, run.itemsDone + run.itemsFailed, run.bytesDone)
        this.dirtyJobs.add(run.id)
      }
    }
    this.writer.maybeFlush(now)
    for (const id of this.dirtyJobs) {
      const row = this.store.job(id)
      if (row) this.events.emit('job.updated', jobSummary(row, this.scheduler.runs.get(id)))
    }
    this.dirtyJobs.clear()
    if (this.poolSet.dirty.size) {
      this.poolSet.stopClosed()
      const infos = this.poolInfo()
      for (const name of this.poolSet.dirty)
        this.events.emit(
          'pool.updated',
          infos.find((p) => p.name === name)!,
        )
      this.poolSet.dirty.clear()
    }
  }
}

/** Resolves once a job has no task in flight. */
function tasksEnded(run: JobRun): Promise<void> {
  return new Promise((resolve) => {
    const timer = setInterval(() => run.tasks.size === 0 && (clearInterval(timer), resolve()), 20)
  })
}

/** Opens the farm on a history database: takes its lock, recovers interrupted jobs, starts the pools. */
export function openFarm(options: FarmOptions): Farm {
  return new Farm(options)
}
