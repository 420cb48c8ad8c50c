import type { EventDetail, JobEvent } from './job-lifecycle'
import type { JobRun } from './job-run'
import { RunReaper } from './orphan-runs'
import type { TaskResultDeps } from './task-results'
import type { UnitSettling } from './unit-settling'
import type { WorkerExit } from './worker-handle'
import type { PoolWorker } from './worker-pool'

/**
 * A worker died with a task in hand: its command runs are ended, its plan made again (or the job
 * failed after too many crashes), its units put back, the one in hand alone and counted as a crash.
 */
export class TaskLoss {
  private readonly reaper = new RunReaper()

  constructor(
    private readonly d: TaskResultDeps,
    private readonly units: UnitSettling,
    private readonly tell: (job: JobRun, ...event: [JobEvent, EventDetail]) => void,
  ) {}

  /** The worker died with the task in hand. */
  onTaskLost(worker: PoolWorker, taskId: number, exit: WorkerExit): void {
    const task = this.d.scheduler.tasks.get(taskId)
    if (!task) return
    const job = task.job
    // Its runs live on after a SIGKILL: ended before their units go again (`RunReaper`).
    const scan = task.type === 'run' && job.spec.kind === 'command' && !worker.remote
    this.reaper.reap(task.groups.values(), scan ? worker.handle.pid : null)
    task.groups.clear()
    const how = `${exit.reason}${exit.signal ? `, ${exit.signal}` : exit.code !== null ? `, code ${exit.code}` : ''}`
    if (task.type === 'plan') {
      job.planFailures++
      if (job.planFailures >= job.traits.maxCrashes) {
        const error = `planning crashed its worker ${job.planFailures} times (${how})`
        this.tell(job, 'fail', { note: error, error })
        return this.d.scheduler.endTask(task)
      }
      this.d.log(job.id, 'warn', 'core', `the worker planning this job died (${how}); planning again`)
      if (!job.stopping) this.d.lifecycle.phase(job, 'plan-lost')
    } else if (task.type === 'run' && task.requeue) {
      this.units.putBack(task, this.units.unsettledOf(task)) // Killed to free memory: not the units' fault, no crash counted.
    } else if (task.type === 'run' && !job.stopping) {
      const left = this.units.unsettledOf(task)
      this.d.log(
        job.id,
        'warn',
        'core',
        `worker ${worker.handle.pid} died (${how}) with ${left.length} units in hand; they go back to the queue`,
      )
      // The unit in hand is the one after the furthest reported (units run in the order sent); it
      // goes alone, so a unit that kills its worker costs only itself. The rest go again together.
      const suspect = left.find((u) => u.position > task.furthest) ?? left[0]
      this.units.putBack(task, left, suspect?.unit)
      if (suspect) {
        const { unit } = suspect
        const crashes = (job.crashes.get(unit.id) ?? 0) + 1
        job.crashes.set(unit.id, crashes)
        if (crashes >= job.traits.maxCrashes) {
          this.units.failForGood(
            job,
            unit,
            `its worker died ${crashes} times while on this unit (last: ${how})`,
            'worker-crash',
          )
        } else job.retryQueue.push({ unit: { ...unit, attempt: unit.attempt + 1 }, alone: true })
      }
    } else if (task.type === 'cleanup') {
      this.d.log(job.id, 'warn', 'core', `the clean-up died (${how})`)
      this.d.lifecycle.phase(job, 'cleanup-ended')
    }
    task.items.clear()
    task.units.clear()
    this.d.scheduler.endTask(task)
  }
}
