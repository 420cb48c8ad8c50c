import type { PoolName } from '../shared/job-spec'
import type { LogLevel } from '../shared/job-state'
import type { ToWorker } from '../shared/worker-protocol'
import { planSpec } from './from-job-inputs'
import { JobRun, type Task } from './job-run'
import type { HistoryWriter } from './history-writer'
import type { JobLifecycle } from './job-lifecycle'
import { storedSpec } from './store/job-queries'
import { TaskAborter } from './task-abort'
import type { JobStore } from './store/job-store'
import { hasRoomFor, nextAssignment, slotsWorthATask, type JobForChoice } from './task-choice'
import type { PoolWorker, WorkerPool } from './worker-pool'
import { OwnedUnits } from './owned-units'

export interface SchedulerDeps {
  store: JobStore
  writer: HistoryWriter
  pools: Readonly<Record<PoolName, WorkerPool>>
  now(): number
  log(jobId: number | null, level: LogLevel, source: string, message: string): void
  jobChanged(job: JobRun): void
  /** The one writer of a job's state and phase (made after the scheduler, which it drives). */
  lifecycle(): JobLifecycle
  cancelGraceMs: number
  /** A cancel's clean-up still running after this long has its worker killed (FarmOptions.cleanupLimitMs). */
  cleanupLimitMs: number
  /** The history file workers read items from; null when units must travel in the messages. */
  history: string | null
}

/**
 * Decides what runs where: admits queued jobs (priority, then first come) up to each pool's limit,
 * shares a pool's idle workers round-robin among its running jobs, and sends each a task: a plan, a
 * clean-up, or a batch of items sized to keep IPC cheap while every worker stays busy.
 */
export class JobScheduler {
  readonly runs = new Map<number, JobRun>()
  readonly tasks = new Map<number, Task>()
  /** Queued job ids per pool, in the order they should start. */
  private readonly queue = new Map<PoolName, { id: number; priority: number }[]>()
  private readonly turn = new Map<PoolName, number>()
  private nextTaskId = 1
  /** The farm is stopping: no queued job starts any more. */
  closing = false
  /** Whether free memory is below the job's `--memfree`, so none of its units may start (`MemoryGuard`). */
  memoryHolds: (run: JobRun) => boolean = () => false

  private readonly aborter: TaskAborter

  constructor(private readonly d: SchedulerDeps) {
    this.aborter = new TaskAborter({ ...d, endTask: (task) => this.endTask(task) })
  }

  enqueue(id: number, pool: PoolName, priority: number): void {
    const list = this.queue.get(pool) ?? []
    list.push({ id, priority })
    list.sort((a, b) => b.priority - a.priority || a.id - b.id)
    this.queue.set(pool, list)
  }

  dequeue(id: number): boolean {
    for (const list of this.queue.values()) {
      const at = list.findIndex((q) => q.id === id)
      if (at >= 0) {
        list.splice(at, 1)
        return true
      }
    }
    return false
  }

  queuedCount(pool: PoolName): number {
    return this.queue.get(pool)?.length ?? 0
  }

  runningCount(pool: PoolName): number {
    return [...this.runs.values()].filter((r) => r.pool === pool && r.state === 'running').length
  }

  /** Starts queued jobs where their pool has room. */
  admit(): void {
    if (this.closing) return
    for (const pool of Object.values(this.d.pools)) {
      const name = pool.name
      const list = this.queue.get(name) ?? []
      while (list.length && !pool.closed && !pool.stopped && this.runningCount(name) < pool.config.maxRunningJobs) {
        this.d.lifecycle().apply(list.shift()!.id, 'start')
      }
    }
  }

  /** A job from the history, made active (its state is the lifecycle's to set). */
  newRun(id: number): JobRun {
    const row = this.d.store.job(id)
    if (!row) throw new Error(`job ${id} vanished from the history`)
    const run = new JobRun(id, storedSpec(row), row, this.d.store)
    this.runs.set(id, run)
    return run
  }

  /**
   * Gives the pool's workers something to do, fairly across its running jobs, until no job has work,
   * a free slot and a worker with room (`task-choice.ts` decides which job, which worker, how much).
   */
  dispatch(poolName: PoolName): void {
    const pool = this.d.pools[poolName]
    if (pool.stopped) return
    // Workers start when a job first needs the pool, not when the farm opens: a CLI copy should not
    // pay for starting the network pool's processes.
    if (!pool.started && [...this.runs.values()].some((r) => r.pool === poolName)) pool.fill()
    const workers = pool.liveWorkers()
    if (workers.length === 0) return
    const rooms = workers.map((w) => ({ tasks: w.tasks.size, heavyTasks: heavyTasks(w), remote: w.remote }))
    for (;;) {
      const jobs = this.candidates(poolName, pool.paused)
      const choice = nextAssignment(
        jobs.map((j) => j.choice),
        rooms,
        pool.config.tasksPerWorker,
        this.turn.get(poolName) ?? 0,
      )
      if (!choice) return this.warm(poolName, workers)
      const { run, choice: job } = jobs.find((j) => j.run.id === choice.job)!
      if (!job.cleanup) this.turn.set(poolName, run.id)
      const withRoom = rooms.filter((r) => hasRoomFor(r, job, pool.config.tasksPerWorker)).length
      const heavy = !job.waits || !Number.isFinite(job.freeSlots)
      this.sendTask(pool, workers[choice.worker]!, run, withRoom, heavy)
      const room = rooms[choice.worker]!
      room.tasks++
      if (heavy) room.heavyTasks++
    }
  }

  /**
   * Each local worker loads the kinds of the pool's active jobs and opens the history ahead of its first
   * unit: an idle one while the plan runs elsewhere, and the planning one while it plans (a plan task
   * loads the kind's code but not the history, and that worker is often the one the first units go to).
   */
  private warm(poolName: PoolName, workers: PoolWorker[]): void {
    for (const run of this.runs.values()) {
      if (run.pool !== poolName) continue
      for (const worker of workers) {
        if (worker.remote || worker.warmed.has(run.spec.kind)) continue
        worker.warmed.add(run.spec.kind)
        const history = this.d.pools[poolName].config.inlineUnits ? null : this.d.history
        worker.handle.post({ type: 'warm', kind: run.spec.kind, ...(history ? { history } : {}) })
      }
    }
  }

  /** The pool's running jobs as the balancer sees them. */
  private candidates(pool: PoolName, poolPaused: boolean): { run: JobRun; choice: JobForChoice }[] {
    const out: { run: JobRun; choice: JobForChoice }[] = []
    for (const run of this.runs.values()) {
      if (run.pool !== pool) continue
      // A paused pool still runs the clean-up of a cancelled job, so a cancel always completes.
      const special = run.special !== null
      // Short of memory, no unit starts; a plan or a clean-up still goes (they start no units).
      const hasWork = run.hasWork() && (!poolPaused || run.stopping === 'cancel') && (special || !this.memoryHolds(run))
      out.push({
        run,
        choice: {
          id: run.id,
          hasWork,
          cleanup: run.special?.startsWith('cleanup') ?? false,
          // Plans and clean-ups hold no units, so no slots.
          freeSlots: special ? Infinity : slotsWorthATask({ ...run.slotsNow(), durable: run.durable }),
          waits: run.unitsAtOnce && !special,
          localOnly: run.once !== null,
        },
      })
    }
    return out
  }

  private sendTask(pool: WorkerPool, worker: PoolWorker, job: JobRun, withRoom: number, heavy: boolean): void {
    const taskId = this.nextTaskId++
    const base = { taskId, jobId: job.id, spec: job.spec }
    const task: Task = {
      id: taskId,
      job,
      type: 'run',
      items: new Map(),
      units: new Map(),
      alone: false,
      furthest: -1,
      sentAt: this.d.now(),
      sentUnits: 0,
      sentBytes: 0,
      partialBytes: 0,
      current: [],
      groups: new Map(),
    }
    let message: Extract<ToWorker, { taskId: number; jobId: number }>
    let label: string | (() => string)
    if (job.special === 'cleanup-cancel' || job.special === 'cleanup-resume') {
      message = { ...base, type: 'cleanup', reason: job.special === 'cleanup-cancel' ? 'cancel' : 'resume' }
      label = 'cleaning up'
      if (message.reason === 'cancel') this.aborter.boundCleanup(job, taskId)
    } else if (job.special === 'plan') {
      // A plan that stopped half-way runs again from its start; the items it stored before stay, with
      // their outcomes, and are passed over (`PlanReplay`): none of their units runs again.
      job.planReplay.restart()
      const before = job.planReplay.storedBefore
      if (before > 0)
        this.d.log(job.id, 'info', 'core', `planning again from the start; its first ${before} batches are kept`)
      this.d.lifecycle().phase(job, 'plan-sent')
      const spec = planSpec(job.id, job.spec, this.d.store, (id, level, text) => this.d.log(id, level, 'core', text))
      const history = pool.config.inlineUnits || worker.remote ? null : this.d.history
      // Units that find units are stored from local workers' reports only (remote hosts do not relay them);
      // a crawl's tasks go to local workers alone, so its pages may always find pages.
      const findUnits = !job.planOnly && (job.once !== null || !pool.workers.some((w) => w.remote))
      const batch = { units: job.traits.batchItems, bytes: job.traits.batchBytes }
      message = { ...base, spec, type: 'plan', batch, findUnits, ...(history ? { history } : {}) }
      label = 'planning'
    } else {
      const batch = job.takeBatch(pool.capacity, withRoom)
      batch.items.forEach(({ item, indexes }, order) => {
        task.items.set(item.id, { item, order, owned: new OwnedUnits(indexes) })
        task.sentUnits += indexes.length
        task.sentBytes += (item.size / item.count) * indexes.length
      })
      for (const unit of batch.units) {
        task.units.set(unit.id, unit)
        task.sentUnits++
        task.sentBytes += unit.size
      }
      task.alone = batch.alone
      // A remote host cannot read this machine's history: its units travel in the message.
      const history = pool.config.inlineUnits || worker.remote ? null : this.d.history
      const run = {
        ...base,
        type: 'run' as const,
        batches: [],
        units: [...batch.units],
        ...(history ? { history } : {}),
        // Done units come back packed in runs (`DoneRun`). What a unit finds reaches the history from
        // local workers only (remote hosts do not relay it).
        packResults: true,
        ...(worker.remote ? {} : { findUnits: true }),
        // A remote host cannot ask this farmer for turns: it paces its own share (see "Polite crawling").
        ...(job.hosts && !worker.remote ? { paced: true } : {}),
      }
      for (const { item, indexes } of batch.items) item.addTo(run, indexes, history === null)
      message = run
      const first = batch.items[0]
      // The worker names the unit it starts on (a `progress` report); until then, a key known without
      // parsing the item, so the farmer never unpacks an item to show what a worker is on.
      label = batch.units[0]?.key ?? (first ? () => first.item.knownKey(first.indexes[0]!) ?? '' : '')
    }
    task.type = message.type
    this.tasks.set(taskId, task)
    job.tasks.set(taskId, task)
    pool.assign(worker, message, label, heavy)
  }

  /**
   * Asks the workers of a job's tasks to stop, kills the ones that do not within the grace period, and
   * resolves once the job has no task left. Asked again while it lasts, it is the same abort.
   */
  abortTasks(job: JobRun, graceMs = this.d.cancelGraceMs): Promise<void> {
    job.aborting ??= this.aborter.abort(job, graceMs).finally(() => (job.aborting = null))
    return job.aborting
  }

  /** The task is over (done, failed, or its worker died): account for it and look for what comes next. */
  endTask(task: Task): void {
    this.tasks.delete(task.id)
    task.job.dropTask(task.id)
    this.afterChange(task.job)
  }

  /**
   * Looks at an active job after any change: it ends when a stop's last task (and a cancel's clean-up)
   * has ended, or when every unit has settled; otherwise its pool gets work.
   */
  afterChange(job: JobRun): void {
    this.d.jobChanged(job)
    if (this.runs.get(job.id) !== job) return this.dispatch(job.pool)
    const life = this.d.lifecycle()
    if (job.stopping && job.tasks.size === 0) {
      if (job.special !== 'cleanup-cancel') return life.apply(job.id, 'stopped')
      // No worker can ever take the clean-up: cancel without it rather than hang.
      if (this.d.pools[job.pool].stopped) {
        this.d.log(job.id, 'warn', 'core', 'the pool is stopped, so the clean-up after the cancel was skipped')
        return life.apply(job.id, 'stopped')
      }
    }
    if (job.state === 'running' && !job.stopping && job.isDrained()) {
      if (job.itemsFailed === 0) return life.apply(job.id, 'done', { error: null })
      const error = `${job.itemsFailed} of ${job.itemsTotal} items failed`
      return life.apply(job.id, 'done-with-errors', { note: error, error })
    }
    this.dispatch(job.pool)
  }
}

const heavyTasks = (worker: PoolWorker): number => {
  let n = 0
  for (const task of worker.tasks.values()) if (task.heavy !== false) n++
  return n
}
