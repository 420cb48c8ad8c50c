import { formatBytes } from '../shared/format'
import { requeueSafe } from '../shared/kinds/requeue-safe'
import type { LogLevel } from '../shared/job-state'
import type { JobRun, Task } from './job-run'
import type { JobScheduler } from './job-scheduler'
import type { MachineReading, ReadMachine } from './machine-room'
import type { PoolName } from '../shared/job-spec'
import type { WorkerPool } from './worker-pool'

export interface MemoryGuardDeps {
  scheduler: JobScheduler
  read: ReadMachine
  /** The farm-wide `--memfree` (bytes; 0: none), for jobs that set none. */
  memfreeBytes(): number
  pools: Readonly<Record<PoolName, WorkerPool>>
  /** How long a worker may take to stop a task before it is killed. */
  cancelGraceMs: number
  log(jobId: number | null, level: LogLevel, source: string, message: string): void
  changed(job: JobRun): void
}

/** The machine is read at most this often (the scheduler asks before every task). */
const READ_EVERY_MS = 250

/** A unit stopped for memory gives the machine this long to recover before the next one is stopped. */
const RELIEF_PAUSE_MS = 2000

/**
 * GNU parallel's `--memfree`, per job: below its limit none of a job's units starts (the job says so);
 * below half of it, the youngest running unit of the most recent such job is stopped and queued again,
 * for kinds where running a unit twice is harmless (`requeueSafe`).
 */
export class MemoryGuard {
  private reading: MachineReading | null = null
  private readAt = -Infinity
  private lastRelief = 0

  constructor(private readonly d: MemoryGuardDeps) {}

  /** The machine as last read, read again when older than `READ_EVERY_MS`. */
  machine(now = Date.now()): MachineReading {
    if (!this.reading || now - this.readAt >= READ_EVERY_MS) {
      this.reading = this.d.read()
      this.readAt = now
    }
    return this.reading
  }

  /** The limit that applies to a job (its own, else the farm's); 0: none. */
  limitOf(run: JobRun): number {
    return run.memfree ?? this.d.memfreeBytes()
  }

  /** Whether none of the job's units may start now (the scheduler asks before each task). */
  holds(run: JobRun, now = Date.now()): boolean {
    const limit = this.limitOf(run)
    if (limit === 0 && run.memoryHeld === null) return false
    const free = this.machine(now).freeMemoryBytes
    const held = limit > 0 && free < limit ? { freeBytes: free, limitBytes: limit } : null
    if ((held === null) !== (run.memoryHeld === null)) {
      this.d.log(
        run.id,
        'info',
        'core',
        held
          ? `no new unit starts: ${formatBytes(free)} of memory free, below --memfree ${formatBytes(limit)}`
          : `memory is back (${formatBytes(free)} free): units start again`,
      )
    }
    if (held || run.memoryHeld) this.d.changed(run)
    run.memoryHeld = held
    return held !== null
  }

  /** The farm's clock: holds or frees each running job, and stops a unit when memory is far too low. */
  sample(now: number): void {
    const free = this.machine(now).freeMemoryBytes
    const freed = new Set<JobRun['pool']>()
    for (const run of this.d.scheduler.runs.values()) {
      const was = run.memoryHeld
      if (!this.holds(run, now) && was) freed.add(run.pool)
    }
    for (const pool of freed) this.d.scheduler.dispatch(pool)
    if (now - this.lastRelief >= RELIEF_PAUSE_MS && this.relieve(free)) this.lastRelief = now
  }

  /** Stops the youngest running unit of the most recent job far below its limit; true when one was stopped. */
  private relieve(free: number): boolean {
    const runs = [...this.d.scheduler.runs.values()]
      .filter((run) => {
        const limit = this.limitOf(run)
        return limit > 0 && free < limit / 2 && requeueSafe(run.spec.kind) && !run.stopping
      })
      .sort((a, b) => b.id - a.id)
    for (const run of runs) {
      const tasks = [...run.tasks.values()].filter((t) => t.type === 'run' && !t.requeue)
      const youngest = tasks.sort((a, b) => b.sentAt - a.sentAt || b.id - a.id)[0]
      if (!youngest) continue
      const units = youngest.units.size + [...youngest.items.values()].reduce((n, e) => n + e.owned.size, 0)
      this.d.log(
        run.id,
        'warn',
        'core',
        `memory is far below --memfree (${formatBytes(free)} free, limit ${formatBytes(this.limitOf(run))}): ` +
          `stopped its youngest running task (${units} unit${units === 1 ? '' : 's'}); they go back to the queue`,
      )
      this.requeue(youngest)
      return true
    }
    return false
  }

  /**
   * Stops one run task so its units go back to the queue: its worker is asked to cancel it and is
   * killed if it has not within the cancel grace. `TaskResults` puts the units back (`Task.requeue`).
   */
  private requeue(task: Task): void {
    const pool = this.d.pools[task.job.pool]
    const worker = pool.holderOf(task.id)
    if (!worker) return
    task.requeue = true
    worker.handle.post({ type: 'cancel', taskId: task.id })
    setTimeout(() => {
      if (task.job.tasks.get(task.id) === task && pool.holderOf(task.id) === worker) pool.killWorker(worker)
    }, this.d.cancelGraceMs).unref()
  }
}
