import type { WorkerInfo } from '../shared/api-types'
import type { PoolName } from '../shared/job-spec'
import type { ToWorker } from '../shared/worker-protocol'
import type { WorkerExit, WorkerHandle, WorkerLauncher } from './worker-handle'
import { PoolWorker, recycleReason, type PoolConfig, type PoolHooks } from './pool-worker'

export { PoolWorker, recycleReason, type PoolConfig, type PoolHooks } from './pool-worker'

/** Launch failures in a row after which the pool gives up and says why. */
const MAX_LAUNCH_FAILURES = 5

/** A named pool of worker processes: starts, replaces, recycles and resizes them. The farm decides what they run. */
export class WorkerPool {
  readonly workers: PoolWorker[] = []
  paused = false
  /** Close asked: finish the running jobs, then stop (Pool.close + join). */
  closed = false
  /** Terminated: no workers until resumed. */
  stopped = false
  /** Why workers cannot be started at all; jobs sent here fail with it instead of waiting forever. */
  brokenReason: string | null = null
  private nextSlot = 0
  private launchFailures = 0

  constructor(
    readonly name: PoolName,
    readonly config: PoolConfig,
    private readonly launcher: WorkerLauncher,
    private readonly hooks: PoolHooks,
    private readonly workerIds: () => number,
  ) {}

  get size(): number {
    return this.config.size
  }

  /** Workers that share the pool's work: its own plus the slots of remote hosts (batches are sized by it). */
  get capacity(): number {
    return this.config.size + this.workers.filter((w) => w.remote).length
  }

  /** Workers that may take tasks (which ones have room for a job is `task-choice.ts`'s rule). */
  liveWorkers(): PoolWorker[] {
    return this.workers.filter((w) => (w.state === 'idle' || w.state === 'busy') && !w.retire)
  }

  /** Local workers that count towards the pool's size. */
  private liveLocal(): number {
    return this.workers.filter((w) => !w.remote && w.state !== 'stopping' && !w.retire).length
  }

  /** Adds a slot of remote capacity; it leaves the pool when its handle exits and is not replaced. */
  attachRemote(handle: WorkerHandle): PoolWorker {
    const worker = new PoolWorker(-1, handle, 0, true)
    this.workers.push(worker)
    handle.onMessage((message) => this.hooks.onMessage(worker, message))
    handle.onExit((exit) => this.onExit(worker, exit))
    void handle.start().then(() => {
      if (worker.state !== 'starting') return
      worker.state = 'idle'
      this.hooks.onIdle(this)
    })
    return worker
  }

  /** Whether workers were ever started; after that the pool keeps itself at its size. */
  started = false

  /** Starts workers until the pool has its size. */
  fill(): void {
    if (this.stopped) return
    this.started = true
    const live = this.liveLocal()
    for (let i = live; i < this.config.size; i++) this.spawn(this.nextSlot++, 0)
  }

  assign(
    worker: PoolWorker,
    message: Extract<ToWorker, { taskId: number; jobId: number }>,
    label: string | (() => string),
    heavy = true,
  ): void {
    worker.state = 'busy'
    worker.tasks.set(message.taskId, { jobId: message.jobId, label, heavy })
    worker.handle.post(message)
    this.hooks.onChange(this)
  }

  /** The worker finished a task: recycle it, retire it, or give it more work. */
  taskFinished(worker: PoolWorker, taskId: number, rss: number): void {
    worker.tasks.delete(taskId)
    worker.tasksDone++
    worker.rss = rss
    const recycle = recycleReason(worker, this.config)
    if (recycle && !worker.retire) {
      this.hooks.log(this, 'debug', `recycling worker ${worker.handle.pid} ${recycle}`)
      worker.retire = true // No new tasks; it stops once the ones it holds are done.
    }
    if (worker.tasks.size === 0 && (worker.retire || this.stopped)) this.stopWorker(worker)
    else {
      if (worker.tasks.size === 0) worker.state = 'idle'
      this.hooks.onIdle(this)
    }
    this.hooks.onChange(this)
  }

  /** The worker holding a task, if any. */
  holderOf(taskId: number): PoolWorker | undefined {
    return this.workers.find((w) => w.tasks.has(taskId))
  }

  resize(size: number): void {
    this.config.size = size
    let surplus = this.liveLocal() - size
    // Shrinking never kills a busy worker: idle and starting ones go first, busy ones when their task ends.
    for (const state of ['idle', 'starting', 'busy'] as const) {
      for (const worker of this.workers.filter((w) => w.state === state && !w.retire && !w.remote)) {
        if (surplus <= 0) break
        surplus--
        if (state === 'busy') worker.retire = true
        else this.stopWorker(worker)
      }
    }
    this.fill()
    this.hooks.onChange(this)
  }

  /** Kills the worker now (a hung task after the cancel grace); the pool replaces it. */
  killWorker(worker: PoolWorker): void {
    worker.handle.kill()
  }

  /** Kills every worker now; the pool stays empty until resumed. */
  terminate(): void {
    this.stopped = true
    for (const worker of this.workers) worker.handle.kill()
    this.hooks.onChange(this)
  }

  restart(): void {
    this.stopped = false
    this.closed = false
    this.paused = false
    this.launchFailures = 0
    this.brokenReason = null
    this.fill()
    this.hooks.onChange(this)
  }

  /** Stops every worker politely, killing those that do not stop within the grace period. */
  async shutdown(graceMs = this.config.stopGraceMs): Promise<void> {
    this.stopped = true
    await Promise.all(
      this.workers.map((w) => {
        // One still loading its code holds nothing: a short command's end does not wait for it to be
        // ready only to stop (`probe --count 1` waited for the worker it never used).
        const grace = w.state === 'starting' && w.tasks.size === 0 ? 0 : graceMs
        w.state = 'stopping'
        return w.handle.stop(grace)
      }),
    )
  }

  workerInfo(): WorkerInfo[] {
    return this.workers
      .filter((w) => !w.remote)
      .map((w) => ({
        id: w.slot,
        pid: w.handle.pid,
        state: w.state,
        jobId: w.jobId,
        current: w.current,
        tasksDone: w.tasksDone,
        restarts: w.restarts,
        cpuPercent: null,
        memoryBytes: w.rss,
      }))
  }

  private spawn(slot: number, restarts: number): void {
    const handle = this.launcher({ pool: this.name, workerId: this.workerIds() })
    const worker = new PoolWorker(slot, handle, restarts)
    this.workers.push(worker)
    handle.onMessage((message) => this.hooks.onMessage(worker, message))
    handle.onOutput((stream, line) => this.hooks.onOutput(worker, stream, line))
    handle.onExit((exit) => this.onExit(worker, exit))
    handle.start().then(
      () => {
        this.launchFailures = 0
        if (worker.state !== 'starting') return
        worker.state = 'idle'
        this.hooks.onChange(this)
        this.hooks.onIdle(this)
      },
      (error: Error) => {
        // A worker that failed to start is never used; its exit handler replaces it after a pause.
        worker.state = 'stopping'
        handle.kill()
        if (this.stopped) return // stopped while it started: not a failure
        this.launchFailures++
        this.hooks.log(this, 'error', `a ${this.name} worker failed to start: ${error.message}`)
      },
    )
    this.hooks.onChange(this)
  }

  private stopWorker(worker: PoolWorker): void {
    worker.state = 'stopping'
    void worker.handle.stop(this.config.stopGraceMs)
  }

  private onExit(worker: PoolWorker, exit: WorkerExit): void {
    const index = this.workers.indexOf(worker)
    if (index >= 0) this.workers.splice(index, 1)
    const expected = worker.state === 'stopping' && worker.tasks.size === 0
    for (const taskId of [...worker.tasks.keys()]) this.hooks.onTaskLost(worker, taskId, exit)
    worker.tasks.clear()
    if (worker.remote) return this.hooks.onChange(this)
    if (!expected && !this.stopped) {
      this.hooks.log(
        this,
        'warn',
        `worker ${worker.handle.pid ?? '?'} of pool ${this.name} ended: ${exit.reason}` +
          (exit.signal ? ` (${exit.signal})` : exit.code !== null ? ` (code ${exit.code})` : ''),
      )
    }
    this.hooks.onChange(this)
    if (this.stopped) return
    if (this.launchFailures >= MAX_LAUNCH_FAILURES) {
      if (this.workers.length === 0) {
        this.brokenReason = `its workers fail to start (${this.launchFailures} times in a row)`
        this.hooks.onBroken(this, this.brokenReason)
      }
      return
    }
    if (this.liveLocal() < this.config.size) {
      const delay = this.launchFailures ? Math.min(5000, 100 * 2 ** this.launchFailures) : 0
      setTimeout(() => {
        const stillShort = this.liveLocal() < this.config.size
        if (!this.stopped && stillShort) this.spawn(worker.slot, worker.restarts + 1)
      }, delay)
    }
  }
}
