import type { FromWorker, ToWorker } from '../shared/worker-protocol'
import type { WorkerExit, WorkerHandle, WorkerLauncher } from '../core/worker-handle'

/** What a running task hears from the worker process that runs it. */
export interface TaskSink {
  message(message: FromWorker): void
  /** The process died with the task in hand. */
  lost(exit: WorkerExit): void
  /** For the host's heartbeat: the farm's job and the batch's first unit. */
  jobId: number
  label: string
}

/** Units a report says are done: those named one by one and those of its runs. */
function unitsIn(report: Extract<FromWorker, { type: 'unitsDone' }>): number {
  let units = report.ids.length + report.results.length
  for (const run of report.runs ?? []) units += run.to - run.from
  return units
}

interface HostProcess {
  handle: WorkerHandle
  ready: boolean
  tasks: Map<number, TaskSink>
  unitsDone: number
}

/**
 * The worker processes of a remote host: the same worker entry and job handlers as the farm's own
 * pools, forked here. A process that dies is replaced; its tasks are reported lost.
 */
export class HostProcesses {
  private readonly procs: HostProcess[] = []
  private nextTaskId = 1
  private stopped = false
  private readonly waiting: (() => void)[] = []

  constructor(
    private readonly launcher: WorkerLauncher,
    private readonly size: number,
    private readonly log: (line: string) => void,
  ) {}

  start(): void {
    for (let i = 0; i < this.size; i++) this.spawn(i)
  }

  /** Runs a task on the least busy process; resolves with its local task id (for a cancel). */
  async run(message: Extract<ToWorker, { taskId: number; jobId: number }>, sink: TaskSink): Promise<number> {
    let proc = this.pick()
    while (!proc) {
      if (this.stopped) throw new Error('the host is stopping')
      await new Promise<void>((resolve) => this.waiting.push(resolve))
      proc = this.pick()
    }
    const taskId = this.nextTaskId++
    proc.tasks.set(taskId, sink)
    proc.handle.post({ ...message, taskId })
    return taskId
  }

  cancel(taskId: number): void {
    this.procs.find((p) => p.tasks.has(taskId))?.handle.post({ type: 'cancel', taskId })
  }

  /** For the heartbeat. */
  describe(): {
    pid: number | null
    state: 'idle' | 'busy'
    jobId: number | null
    batch: string | null
    unitsDone: number
  }[] {
    return this.procs.map((p) => {
      const first = p.tasks.values().next().value
      return {
        pid: p.handle.pid,
        state: p.tasks.size ? 'busy' : 'idle',
        jobId: first?.jobId ?? null,
        batch: first?.label ?? null,
        unitsDone: p.unitsDone,
      }
    })
  }

  async stop(graceMs: number): Promise<void> {
    this.stopped = true
    for (const wake of this.waiting.splice(0)) wake()
    await Promise.all(this.procs.map((p) => p.handle.stop(graceMs)))
  }

  private pick(): HostProcess | undefined {
    let best: HostProcess | undefined
    for (const p of this.procs) if (p.ready && (!best || p.tasks.size < best.tasks.size)) best = p
    return best
  }

  private spawn(index: number): void {
    const handle = this.launcher({ pool: 'remote', workerId: index })
    const proc: HostProcess = { handle, ready: false, tasks: new Map(), unitsDone: 0 }
    this.procs.push(proc)
    handle.onOutput((stream, line) => this.log(`worker ${handle.pid} ${stream}: ${line}`))
    handle.onMessage((message) => {
      if (message.type === 'ready') return
      if (message.type === 'unitsDone') proc.unitsDone += unitsIn(message)
      else if (message.type === 'unitsFailed') proc.unitsDone += message.items.length
      const sink = message.taskId === undefined ? undefined : proc.tasks.get(message.taskId)
      if (message.type === 'done' || message.type === 'failed') {
        proc.tasks.delete(message.taskId)
        this.wake()
      }
      sink?.message(message)
    })
    handle.onExit((exit) => {
      this.procs.splice(this.procs.indexOf(proc), 1)
      for (const sink of proc.tasks.values()) sink.lost(exit)
      proc.tasks.clear()
      if (this.stopped) return
      this.log(`worker process ${handle.pid ?? '?'} ended (${exit.reason}); starting another`)
      setTimeout(() => this.stopped || this.spawn(index), exit.reason === 'launch-failed' ? 1000 : 0)
    })
    handle.start().then(
      () => {
        proc.ready = true
        this.wake()
      },
      (error: Error) => {
        this.log(`a worker process failed to start: ${error.message}`)
        handle.kill()
      },
    )
  }

  private wake(): void {
    for (const wake of this.waiting.splice(0)) wake()
  }
}
