/**
 * Which job's task goes to which worker next, and how many units it takes: pure functions, so
 * fairness and bounds are tested without processes (piscina's balancer is the model). A job's slots
 * bound its units running at once across the whole farm; a pool's size bounds processes.
 */

/** A job as the balancer sees it. */
export interface JobForChoice {
  id: number
  /** It has a task to give now (a plan, a clean-up, or units). */
  hasWork: boolean
  /** A clean-up goes before any run, so a cancel always completes. */
  cleanup: boolean
  /** Slots not held by its running units (Infinity: no bound but the pool's). */
  freeSlots: number
  /**
   * Its units mostly wait (child processes, sockets, async calls) and its slots bound them: its
   * tasks do not take a worker's room, so a 2-worker pool runs `--jobs 8` eight at once.
   */
  waits: boolean
  /** Its units find units that only local workers report (a crawl): no remote host takes its tasks. */
  localOnly?: boolean
}

/** A worker as the balancer sees it. */
export interface WorkerForChoice {
  /** Tasks it holds, and those of them that take its room (work done in the worker itself). */
  tasks: number
  heavyTasks: number
  /** A slot of a remote host: a batch it runs, and one waiting behind it (`REMOTE_TASKS_PER_SLOT`). */
  remote: boolean
}

/** Tasks a worker holds at most, even of jobs whose units wait: a bound on messages, not on work. */
export const MAX_TASKS_PER_WORKER = 256

/**
 * Batches a remote slot holds of a job whose tasks are sized by time: the one its host runs and the
 * next, waiting in the queue, which the host takes in the same Redis call that reports the first.
 * With one, the host sat idle for each batch's trip (host → Redis → farm → Redis → host, milliseconds)
 * between batches of ~40 ms. A job whose units run at once, bounded by its slots (`waits`: URLs,
 * commands, modules with slots), takes one at a time: a batch waiting in the queue would hold those
 * slots idle (a URL batch waited ~75 ms there).
 */
export const REMOTE_TASKS_PER_SLOT = 2

/** Whether `worker` may take a task of `job` now. */
export function hasRoomFor(worker: WorkerForChoice, job: JobForChoice, tasksPerWorker: number): boolean {
  if (worker.remote) return !job.localOnly && worker.tasks < (job.waits ? 1 : REMOTE_TASKS_PER_SLOT)
  if (job.waits && Number.isFinite(job.freeSlots)) return worker.tasks < MAX_TASKS_PER_WORKER
  return worker.heavyTasks < tasksPerWorker
}

/**
 * The next task to send: a clean-up first; else the first job after `lastJobId` (round-robin) that
 * has work, a free slot and a worker with room; that job goes to the worker with the fewest tasks,
 * so a job's tasks spread over the workers. Null when nothing can go now.
 */
export function nextAssignment(
  jobs: readonly JobForChoice[],
  workers: readonly WorkerForChoice[],
  tasksPerWorker: number,
  lastJobId: number,
): { job: number; worker: number } | null {
  const ready = jobs.filter((j) => j.hasWork && (j.cleanup || j.freeSlots > 0))
  const ordered = [
    ...ready.filter((j) => j.cleanup),
    ...ready.filter((j) => !j.cleanup && j.id > lastJobId).sort((a, b) => a.id - b.id),
    ...ready.filter((j) => !j.cleanup && j.id <= lastJobId).sort((a, b) => a.id - b.id),
  ]
  for (const job of ordered) {
    let best = -1
    workers.forEach((w, i) => {
      if (hasRoomFor(w, job, tasksPerWorker) && (best < 0 || w.tasks < workers[best]!.tasks)) best = i
    })
    if (best >= 0) return { job: job.id, worker: best }
  }
  return null
}

/** What sizes a run task. */
export interface TaskSizeInput {
  /** Units of the job not done, failed or in flight. */
  left: number
  freeSlots: number
  /** Workers that could take a task of this job now (at least 1). */
  workersWithRoom: number
  /** Workers of the pool, local and remote. */
  poolSize: number
  /** Units of a task run one after another (sized by time) or all at once (sized by slots). */
  sequential: boolean
  /** The outcome of each unit is written before its slot takes another: one unit per task. */
  durable: boolean
  batchItems: number
  /** Learnt cost of one unit, 0 until known. */
  msPerUnit: number
  taskMs: number
  firstUnits: number
}

/**
 * Units the next task takes. Never more than the job's free slots; a durable kind's task is one unit
 * (its slot comes back once that outcome is stored); units that run at once share the free slots
 * over the workers with room; units that run in turn are sized by time, and to a fair share of what
 * is left, so the end of a job (or a few slow units) still spreads over every worker — down to a
 * quarter of a task's time.
 */
export function taskUnits(s: TaskSizeInput): number {
  const fair = Math.max(1, Math.ceil(s.left / (Math.max(1, s.poolSize) * 2)))
  let units: number
  if (s.durable) units = 1
  else if (!s.sequential) units = Math.min(fair, s.batchItems, Math.ceil(s.freeSlots / Math.max(1, s.workersWithRoom)))
  else if (s.msPerUnit > 0) {
    // The end splits into fair shares, but not below a quarter of a task's time: a smaller task costs
    // more in messages (a remote batch's trip through Redis: milliseconds) than the balance it buys.
    const floor = s.taskMs / 4 / s.msPerUnit
    units = Math.min(Math.max(1, s.taskMs / s.msPerUnit), Math.max(fair, floor), Math.max(1, s.left))
  } else units = Math.min(fair, s.firstUnits)
  return Math.max(1, Math.min(units, s.freeSlots))
}

/** A job of many slots sends a task once this share of its slots is free (see `slotsWorthATask`). */
const SLOTS_PER_TASK_DIVISOR = 16

/**
 * The free slots a job offers the balancer: all of them once a task of them is worth sending, else
 * none. Units that finish a few at a time (a URL job's 128 requests) would otherwise each free a
 * slot that a task of one unit fills, and the messages, history reads and reports of a task are
 * paid per unit: a job waits for a sixteenth of its slots, or for room for all it has left.
 * A durable kind's task is one unit anyway, and a job of fewer than 32 slots sends at once.
 */
export function slotsWorthATask(job: { freeSlots: number; slots: number; left: number; durable: boolean }): number {
  if (!Number.isFinite(job.freeSlots) || job.durable) return job.freeSlots
  const least = Math.max(1, Math.min(Math.floor(job.slots / SLOTS_PER_TASK_DIVISOR), job.left))
  return job.freeSlots >= least ? job.freeSlots : 0
}
