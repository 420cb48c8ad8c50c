import type { LogLevel } from '../shared/job-state'
import type { FromWorker, ItemFailure, WorkItem } from '../shared/worker-protocol'
import type { HistoryWriter } from './history-writer'
import type { JobRun, Task } from './job-run'
import type { JobScheduler } from './job-scheduler'
import type { JobStore } from './store/job-store'
import type { WorkerExit } from './worker-handle'
import type { PoolWorker, WorkerPool } from './worker-pool'

export interface TaskResultDeps {
  scheduler: JobScheduler
  store: JobStore
  writer: HistoryWriter
  log(jobId: number | null, level: LogLevel, source: string, message: string): void
}

/** Applies what workers report (results, failures, plans, deaths) to the jobs they work for. */
export class TaskResults {
  constructor(private readonly d: TaskResultDeps) {}

  onMessage(pool: WorkerPool, worker: PoolWorker, message: FromWorker): void {
    if (message.type === 'ready') return
    if (message.type === 'log') {
      const task = message.taskId === undefined ? undefined : this.d.scheduler.tasks.get(message.taskId)
      this.d.log(task?.job.id ?? worker.jobId, message.level, `worker ${worker.handle.pid}`, message.message)
      return
    }
    const task = this.d.scheduler.tasks.get(message.taskId)
    if (!task) return // A task already given up (its job was cancelled and the worker killed).
    const job = task.job
    switch (message.type) {
      case 'planned':
        this.d.store.insertItems(job.id, message.items)
        job.itemsTotal += message.items.length
        for (const item of message.items) job.bytesTotal += item.size
        this.d.scheduler.afterChange(job)
        return
      case 'progress':
        task.partialBytes = message.bytes
        task.current = message.current ?? []
        if (task.current[0]) worker.tasks.set(task.id, { jobId: job.id, label: task.current[0] })
        return
      case 'itemsDone':
        for (const { id, result } of message.items) {
          const item = take(task, id)
          if (!item) continue
          job.itemsDone++
          job.bytesDone += item.size
          this.d.writer.outcome({ id, jobId: job.id, state: 'done', attempts: item.attempt, size: item.size, error: null, result })
        }
        return
      case 'itemsFailed':
        for (const failure of message.items) {
          const item = take(task, failure.id)
          if (item) this.itemFailed(job, item, failure)
        }
        return
      case 'done':
      case 'failed':
        this.taskEnded(task, message)
        pool.taskFinished(worker, task.id, message.rss)
        this.d.scheduler.endTask(task)
        return
    }
  }

  /** The worker died with the task in hand. */
  onTaskLost(worker: PoolWorker, taskId: number, exit: WorkerExit): void {
    const task = this.d.scheduler.tasks.get(taskId)
    if (!task) return
    const job = task.job
    const how = `${exit.reason}${exit.signal ? `, ${exit.signal}` : exit.code !== null ? `, code ${exit.code}` : ''}`
    if (task.type === 'plan') {
      job.planFailures++
      if (job.planFailures >= job.traits.maxCrashes) {
        this.d.scheduler.finish(job, 'failed', `planning crashed its worker ${job.planFailures} times (${how})`)
        return
      }
      this.d.log(job.id, 'warn', 'core', `the worker planning this job died (${how}); planning again`)
    } else if (task.type === 'run' && !job.stopping) {
      this.d.log(job.id, 'warn', 'core', `worker ${worker.handle.pid} died (${how}) with ${task.open.size} items in hand; they go back to the queue`)
      for (const item of task.open.values()) {
        const crashes = (job.crashes.get(item.id) ?? 0) + 1
        job.crashes.set(item.id, crashes)
        if (crashes >= job.traits.maxCrashes) {
          this.finalFailure(job, item, `its worker died ${crashes} times while on this item (last: ${how})`, 'worker-crash')
        } else job.retryQueue.push({ item: { ...item, attempt: item.attempt + 1 }, alone: true })
      }
    } else if (task.type === 'cleanup') {
      this.d.log(job.id, 'warn', 'core', `the clean-up died (${how})`)
      if (job.special?.startsWith('cleanup')) job.special = null
    }
    task.open.clear()
    this.d.scheduler.endTask(task)
  }

  private taskEnded(task: Task, message: Extract<FromWorker, { type: 'done' | 'failed' }>): void {
    const job = task.job
    if (message.type === 'failed') {
      const text = message.error.message
      if (!message.error.user) this.d.log(job.id, 'error', 'core', `${task.type} task failed: ${text}`)
      if (task.type === 'plan') {
        return this.d.scheduler.finish(job, 'failed', text, message.error.user ? (message.error.code ?? 'invalid-input') : null)
      }
      // A batch that failed whole hides which item did it: each goes again alone, so only that one fails.
      for (const item of task.open.values()) {
        if (job.stopping) continue
        if (message.error.user || item.attempt >= job.traits.maxAttempts) this.finalFailure(job, item, text, message.error.code)
        else job.retryQueue.push({ item: { ...item, attempt: item.attempt + 1 }, alone: true })
      }
      task.open.clear()
    }
    // A plan cut short by a cancel or a stop is incomplete: it is made again if the job resumes.
    if (task.type === 'plan' && message.type === 'done' && !job.stopping) {
      job.planned = true
      job.special = null
      const summary = message.summary ?? { notes: [], facts: {} }
      this.d.store.setPlanned(job.id, summary)
      for (const note of summary.notes) this.d.log(job.id, 'info', 'core', note)
      const row = this.d.store.job(job.id)
      if (row?.plan_only) return this.d.scheduler.finish(job, 'completed', null)
    }
    if (task.type === 'cleanup') job.special = null
    // Items the handler never reported on: go again, unless the job is stopping (they stay pending).
    if (!job.stopping) {
      for (const item of task.open.values()) {
        this.itemFailed(job, item, { id: item.id, error: 'the worker ended the batch without a result for this item', retryable: true })
      }
    }
    task.open.clear()
  }

  private itemFailed(job: JobRun, item: WorkItem, failure: ItemFailure): void {
    if (failure.retryable && item.attempt < job.traits.maxAttempts && !job.stopping) {
      this.d.log(job.id, 'debug', 'core', `${item.key}: ${failure.error} (attempt ${item.attempt}, trying again)`)
      job.retryQueue.push({ item: { ...item, attempt: item.attempt + 1 }, alone: false })
      return
    }
    if (job.stopping) return // Cancelled mid-item: it stays pending, not failed.
    this.finalFailure(job, item, failure.error, failure.code)
  }

  private finalFailure(job: JobRun, item: WorkItem, error: string, code?: string): void {
    job.itemsFailed++
    this.d.writer.outcome({ id: item.id, jobId: job.id, state: 'failed', attempts: item.attempt, size: item.size, error, result: code ? { code } : null })
    this.d.log(job.id, 'error', 'core', `${item.key}: ${error}`)
  }
}

function take(task: Task, id: number): WorkItem | undefined {
  const item = task.open.get(id)
  task.open.delete(id)
  return item
}
