import type { PoolName } from '../shared/job-spec'
import type { LogLevel } from '../shared/job-state'
import { within } from '../shared/within'
import type { JobRun, Task } from './job-run'
import type { WorkerPool } from './worker-pool'

export interface TaskAborterDeps {
  pools: Readonly<Record<PoolName, WorkerPool>>
  log(jobId: number | null, level: LogLevel, source: string, message: string): void
  /** A cancel's clean-up still running after this long has its worker killed. */
  cleanupLimitMs: number
  /** Gives up a task whose worker never answered (the scheduler's own accounting). */
  endTask(task: Task): void
}

/**
 * Stopping a job's tasks when asking is not enough: a worker that does not stop within the grace
 * period is killed, and a cancel's clean-up that never answers has its worker killed, so no job stays
 * cancelling or stopping forever.
 */
export class TaskAborter {
  constructor(private readonly d: TaskAborterDeps) {}

  /** A cancel's clean-up that never answers (a hung worker) must not leave its job cancelling forever. */
  boundCleanup(job: JobRun, taskId: number): void {
    const limit = this.d.cleanupLimitMs
    setTimeout(() => {
      const worker = job.tasks.has(taskId) ? this.d.pools[job.pool].holderOf(taskId) : undefined
      if (!worker) return
      this.d.log(
        job.id,
        'warn',
        'core',
        `the clean-up after the cancel took over ${limit / 1000} s: its worker was killed`,
      )
      this.d.pools[job.pool].killWorker(worker) // its exit ends the clean-up, and the cancel ends the job
    }, limit).unref()
  }

  /** Asks the job's workers to stop; kills those that do not within `graceMs`; resolves once no task is left. */
  async abort(job: JobRun, graceMs: number): Promise<void> {
    const pool = this.d.pools[job.pool]
    for (const taskId of job.tasks.keys()) pool.holderOf(taskId)?.handle.post({ type: 'cancel', taskId })
    if (job.tasks.size === 0) return
    const idle = job.untilIdle().then(() => true)
    if (await within(idle, graceMs, false)) return
    for (const worker of pool.workers.filter((w) => [...w.tasks.keys()].some((id) => job.tasks.has(id)))) {
      this.d.log(job.id, 'warn', 'core', `worker ${worker.handle.pid} did not stop within ${graceMs} ms: killed`)
      pool.killWorker(worker)
    }
    // The exits end the tasks; should they never come, the tasks are given up so the job can end.
    if (await within(idle, 5000, false)) return
    for (const task of [...job.tasks.values()]) {
      task.items.clear()
      task.units.clear()
      this.d.endTask(task)
    }
  }
}
