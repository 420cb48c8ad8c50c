import type { LogLevel } from '../shared/job-state'
import {
  unitId,
  type DoneRun,
  type FoundUnits,
  type FromWorker,
  type ItemFailure,
  type WorkItem,
} from '../shared/worker-protocol'
import type { HistoryWriter } from './history-writer'
import { TaskLoss } from './task-loss'
import { UnitSettling } from './unit-settling'
import { retryDelay } from './retry-policy'
import type { JobRun, Task } from './job-run'
import type { EventDetail, JobEvent, JobLifecycle } from './job-lifecycle'
import type { JobScheduler } from './job-scheduler'
import type { JobStore } from './store/job-store'
import type { PoolWorker, WorkerPool } from './worker-pool'

export interface TaskResultDeps {
  scheduler: JobScheduler
  lifecycle: JobLifecycle
  store: JobStore
  writer: HistoryWriter
  log(jobId: number | null, level: LogLevel, source: string, message: string): void
}

/** Applies what workers report (finished units, failures, plans, deaths) to the jobs they work for. */
export class TaskResults {
  private readonly units: UnitSettling
  /** The worker died with a task in hand (`TaskLoss`). */
  readonly onTaskLost: TaskLoss['onTaskLost']
  constructor(private readonly d: TaskResultDeps) {
    this.units = new UnitSettling(d)
    const loss = new TaskLoss(d, this.units, (job, ...event) => this.tell(job, ...event))
    this.onTaskLost = (worker, taskId, exit) => loss.onTaskLost(worker, taskId, exit)
  }

  onMessage(pool: WorkerPool, worker: PoolWorker, message: FromWorker): void {
    if (message.type === 'ready') return
    if (message.type === 'log') {
      const task = message.taskId === undefined ? undefined : this.d.scheduler.tasks.get(message.taskId)
      this.d.log(task?.job.id ?? worker.jobId, message.level, `worker ${worker.handle.pid}`, message.message)
      return
    }
    if (message.type === 'hostsUsed') {
      const hosts = this.d.scheduler.runs.get(message.jobId)?.hosts
      for (const used of message.hosts) hosts?.used(used.host, used.requests, used.ok)
      return
    }
    const task = this.d.scheduler.tasks.get(message.taskId)
    if (!task) return // A task already given up (its job was cancelled and the worker killed).
    const job = task.job
    switch (message.type) {
      case 'planned': {
        if (job.stopping) return // A refused or cancelled plan's last items are not wanted.
        const fresh = job.planReplay.fresh(message.batches, message.from)
        if (fresh.length === 0) return
        const stored = this.d.store.insertPlanned(job.id, fresh, job.once ?? undefined)
        job.itemsTotal += stored.units
        job.bytesTotal += stored.bytes
        job.morePlanned()
        this.d.scheduler.afterChange(job)
        return
      }
      case 'progress':
        task.partialBytes = message.bytes
        task.current = message.current ?? []
        if (task.current[0]) {
          const held = worker.tasks.get(task.id)
          if (held) held.label = task.current[0]
        }
        return
      case 'spawned':
        // Only this machine's process groups are the farmer's to end; a remote host ends its own.
        if (!worker.remote) task.groups.set(message.unit, message.group)
        return
      case 'hostTurn': {
        const { ask, taskId } = message
        job.hosts?.turn(
          message.host,
          (ticket) => {
            if (this.d.scheduler.tasks.has(taskId)) worker.handle.post({ type: 'hostTurn', taskId, ask, ticket })
          },
          message.crawlDelayMs,
        )
        return
      }
      case 'hostAnswered':
        job.hosts?.answered(message.host, message.ticket, message.throttled, message.retryAfterMs)
        return
      case 'unitsDone': {
        let done = 0
        // Units that settled now (not a late or repeated report): only their finds are stored.
        const now = message.found ? new Set<number>() : null
        for (const id of message.ids) if (this.units.done(task, id, null) && (done++, now)) now.add(id)
        for (const { id, result } of message.results)
          if (this.units.done(task, id, result) && (done++, now)) now.add(id)
        // Packed runs never hold a unit that found units, so `now` does not need theirs.
        for (const run of message.runs ?? []) done += this.units.doneRun(task, run)
        job.itemsDone += done
        job.bytesDone += message.bytes
        this.d.writer.count(job.id, done, 0, message.bytes)
        if (message.found && now) this.found(job, message.found, now)
        this.settled(task, message.ids, message.results, message.runs)
        return
      }
      case 'unitsFailed':
        for (const failure of message.items) {
          const unit = this.units.take(task, failure.id)
          if (unit) this.unitFailed(job, unit, failure)
        }
        this.settled(task, [], message.items)
        return
      case 'done':
      case 'failed':
        this.taskEnded(task, message)
        job.learn(task, Date.now(), message.busyMs)
        pool.taskFinished(worker, task.id, message.rss)
        this.d.scheduler.endTask(task)
        return
    }
  }

  /**
   * Units that settled units found: stored now, in the transaction that writes their finders' marks
   * (a crash loses both or neither, so a finder runs again and nothing is found twice), then handed out.
   */
  private found(job: JobRun, found: readonly FoundUnits[], settledNow: ReadonlySet<number>): void {
    let any = false
    for (const { id, batches } of found) {
      if (!settledNow.has(id) || batches.length === 0) continue
      // A crawl keeps each URL once: the history decides, in the write, what is new (`OnceRule`).
      this.d.writer.foundUnits(job.id, batches, job.once ?? undefined, (stored) => {
        job.itemsTotal += stored.units
        job.bytesTotal += stored.bytes
        if (stored.overLimit && !job.overLimitNoted) {
          job.overLimitNoted = true
          this.d.log(
            job.id,
            'info',
            'core',
            `${job.once!.maxUnits} pages found (--max-pages): links to more are not followed`,
          )
        }
      })
      any = true
    }
    if (!any) return
    this.d.writer.flush()
    job.morePlanned()
    this.d.scheduler.dispatch(job.pool)
  }

  /**
   * Units settled. A durable kind's outcomes are written now, before their slots take more units, so
   * after kill -9 of everything only the units that were running run again.
   */
  private settled(
    task: Task,
    ids: readonly number[],
    more: readonly { id: number }[],
    runs: readonly DoneRun[] = [],
  ): void {
    let count = ids.length + more.length
    for (const id of ids) task.groups.delete(id)
    for (const { id } of more) task.groups.delete(id)
    for (const { item, from, to } of runs) {
      count += to - from
      if (task.groups.size) for (let index = from; index < to; index++) task.groups.delete(unitId(item, index))
    }
    if (count === 0) return
    if (task.job.durable) this.d.writer.flush()
    // Their slots are free: a job bounded by slots takes more units now, not when the task ends.
    if (Number.isFinite(task.job.slots)) this.d.scheduler.dispatch(task.job.pool)
  }

  private taskEnded(task: Task, message: Extract<FromWorker, { type: 'done' | 'failed' }>): void {
    const job = task.job
    // Stopped to free memory: what it did not finish waits in the queue, whatever the handler said.
    if (task.requeue && !job.stopping) {
      this.units.putBack(task, this.units.unsettledOf(task))
      task.items.clear()
      task.units.clear()
    }
    if (message.type === 'failed') {
      const text = message.error.message
      if (!message.error.user) this.d.log(job.id, 'error', 'core', `${task.type} task failed: ${text}`)
      if (task.type === 'plan') {
        const code = message.error.user ? (message.error.code ?? 'invalid-input') : null
        // Work may already run on what the plan streamed: stop it cleanly, then end as failed.
        if (job.stopping) return
        if (job.tasks.size > 1 || job.itemsDone + job.itemsFailed > 0)
          return this.tell(job, 'refuse', { error: text, code })
        return this.tell(job, 'fail', { note: text, error: text, code })
      }
      // A task that failed whole hides which unit did it: each goes again alone, so only that one fails.
      for (const { unit } of this.units.unsettledOf(task)) {
        if (job.stopping) continue
        if (message.error.user || retryDelay(job.retry, unit.attempt) === null)
          this.units.failForGood(job, unit, text, message.error.code)
        else job.retryQueue.push({ unit: { ...unit, attempt: unit.attempt + 1 }, alone: true })
      }
      task.items.clear()
      task.units.clear()
    }
    // A plan cut short by a cancel or a stop is incomplete: it is made again if the job resumes.
    if (task.type === 'plan' && message.type === 'done' && !job.stopping) {
      job.planned = true
      const summary = message.summary ?? { notes: [], facts: {} }
      this.d.store.setPlanned(job.id, summary)
      for (const note of summary.notes) this.d.log(job.id, 'info', 'core', note)
      if (job.planOnly) return this.tell(job, 'done', { error: null })
    }
    if (task.type === 'cleanup') this.d.lifecycle.phase(job, 'cleanup-ended')
    // Units the handler never reported on: go again, unless the job is stopping (they stay pending).
    if (!job.stopping) {
      for (const { unit } of this.units.unsettledOf(task)) {
        this.unitFailed(job, unit, {
          id: unit.id,
          error: 'the worker ended the task without a result for this unit',
          retryable: true,
        })
      }
    }
    task.items.clear()
    task.units.clear()
  }

  /** A job's event from what its task reported; a job that has ended meanwhile (its run is gone) has moved on. */
  private tell(job: JobRun, ...[event, detail]: [JobEvent, EventDetail]): void {
    if (this.d.scheduler.runs.get(job.id) === job) this.d.lifecycle.apply(job.id, event, detail)
  }

  /** A unit failed: it goes again after its backoff (the job's retry policy), or fails for good. */
  private unitFailed(job: JobRun, unit: WorkItem, failure: ItemFailure): void {
    const delay = failure.retryable ? retryDelay(job.retry, unit.attempt, failure.retryAfterMs) : null
    // A unit the stop broke off is not reported (every kind's handler); a failure that comes in while
    // the job stops is one that ended on its own first: it is kept, so a resume does not run it again.
    // One with a try left stays pending: the resume is its retry.
    if (delay !== null && job.stopping) return
    if (delay !== null) {
      const wait = delay > 0 ? ` in ${(delay / 1000).toFixed(1)} s` : ''
      this.d.log(
        job.id,
        'debug',
        'core',
        `${unit.key}: ${failure.error} (attempt ${unit.attempt}, trying again${wait})`,
      )
      job.retryLater({ ...unit, attempt: unit.attempt + 1 }, delay, () => this.d.scheduler.dispatch(job.pool))
      return
    }
    this.units.failForGood(job, unit, failure.error, failure.code, failure.result)
  }
}
