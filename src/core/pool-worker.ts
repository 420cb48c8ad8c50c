import type { WorkerInfo } from '../shared/api-types'
import type { LogLevel } from '../shared/job-state'
import type { FromWorker } from '../shared/worker-protocol'
import type { WorkerExit, WorkerHandle } from './worker-handle'
import type { WorkerPool } from './worker-pool'

// A pool's settings, its hooks into the farm, and one of its workers as the farm sees it.

export interface PoolConfig {
  size: number
  /** Jobs of this pool that may run at once; the rest wait in the queue. */
  maxRunningJobs: number
  /** Replace a worker after this many tasks (Python's maxtasksperchild); 0 never. */
  maxTasksPerWorker: number
  /** Replace a worker whose memory grew past this after a task; 0 never. */
  maxWorkerMemoryBytes: number
  /** How long a worker may take to stop politely before it is killed. */
  stopGraceMs: number
  /** Tasks a worker holds at once: 1 for CPU and disk work; more for network work, which mostly waits. */
  tasksPerWorker: number
  /** Its workers cannot read the history file (they run on other hosts): send units in the messages. */
  inlineUnits?: boolean
}

export interface PoolHooks {
  /** A worker is free: give it work. */
  onIdle(pool: WorkerPool): void
  onMessage(worker: PoolWorker, message: FromWorker): void
  /** A worker ended while it held a task: the task's unfinished items must go back to the queue. */
  onTaskLost(worker: PoolWorker, taskId: number, exit: WorkerExit): void
  onOutput(worker: PoolWorker, stream: 'stdout' | 'stderr', line: string): void
  /** Workers cannot be started at all: jobs waiting on this pool would hang forever. */
  onBroken(pool: WorkerPool, reason: string): void
  log(pool: WorkerPool, level: LogLevel, message: string): void
  onChange(pool: WorkerPool): void
}

export class PoolWorker {
  state: WorkerInfo['state'] = 'starting'
  /**
   * The tasks it holds, with the job each is for and what it is on. `label` may be a function: worked
   * out only when someone looks (a key means unpacking its item). `heavy`: the work is done in the
   * worker itself, so the task takes one of its `tasksPerWorker` places.
   */
  readonly tasks = new Map<number, { jobId: number; label: string | (() => string); heavy?: boolean }>()
  tasksDone = 0
  rss: number | null = null
  /** Job kinds it was told to load ahead of their first task (`warm`). */
  readonly warmed = new Set<string>()
  /** Stop when the current task ends (the pool shrank). */
  retire = false
  constructor(
    readonly slot: number,
    readonly handle: WorkerHandle,
    readonly restarts: number,
    /** A slot of remote capacity (see src/remote): not a local process, never respawned by the pool. */
    readonly remote = false,
  ) {}

  /** The job of its first task, for its output lines and the Pools view. */
  get jobId(): number | null {
    return this.tasks.values().next().value?.jobId ?? null
  }

  get current(): string | null {
    const task = this.tasks.values().next().value
    if (typeof task?.label === 'function') task.label = task.label()
    return task?.label ?? null
  }
}

/** Decides whether a worker is replaced after a task; the one place that knows the recycling rules. */
export function recycleReason(worker: Pick<PoolWorker, 'tasksDone' | 'rss'>, config: PoolConfig): string | null {
  if (config.maxTasksPerWorker > 0 && worker.tasksDone >= config.maxTasksPerWorker)
    return `after ${worker.tasksDone} tasks`
  if (config.maxWorkerMemoryBytes > 0 && (worker.rss ?? 0) > config.maxWorkerMemoryBytes)
    return 'its memory grew past the limit'
  return null
}
