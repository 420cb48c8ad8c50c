import { fork, type ChildProcess } from 'node:child_process'
import { LOAD_KIND_FLAG, REAPED_ENV, type ToWorker } from '../shared/worker-protocol'
import type { ExitReason, WorkerLauncher, WorkerLaunchOptions } from './worker-handle'
import { WorkerHandleBase } from './worker-handle-base'
import { workerReaper, type ReapedWorker } from './worker-reaper'

/** A launcher that can start processes before the farm asks for them (`prestart`). */
export interface PrestartingLauncher extends WorkerLauncher {
  /**
   * Forks `count` workers now, so they boot while the caller still loads and plans; the pool takes
   * them first. Until taken they hold neither the event loop nor anything else: an unused one exits
   * with its parent (it ends on `disconnect`), or at once on `dropPrestarted`. Asked again for the
   * same pool, it forks only what is missing; for another pool, the first ones are dropped. `kind`:
   * the job kind they will run, whose code each loads as it boots, before any task is sent.
   */
  prestart(count: number, pool: string, kind?: string): void
  dropPrestarted(): void
}

/** Workers as Node child processes: the CLI, the web host and the tests. */
export function childProcessLauncher(entry: string, options: { execArgv?: string[] } = {}): PrestartingLauncher {
  const ready: ChildProcessWorker[] = []
  let readyFor = ''
  const launch = (kind?: string): ChildProcessWorker =>
    new ChildProcessWorker(entry, options.execArgv ?? [], kind ? [`${LOAD_KIND_FLAG}${kind}`] : [])
  return Object.assign(
    (launchOptions: WorkerLaunchOptions) => {
      const worker = launchOptions.pool === readyFor ? ready.shift() : undefined
      worker?.hold(true)
      return worker ?? launch()
    },
    {
      prestart(count: number, pool: string, kind?: string): void {
        // Asked again (the CLI forks early, then the job command asks too): tops up to `count`.
        if (pool !== readyFor) for (const worker of ready.splice(0)) worker.kill()
        readyFor = pool
        for (let i = ready.length; i < count; i++) {
          const worker = launch(kind)
          worker.start().catch(() => undefined) // The pool sees a failed start when it takes it.
          worker.hold(false)
          ready.push(worker)
        }
      },
      dropPrestarted(): void {
        for (const worker of ready.splice(0)) worker.kill()
      },
    },
  )
}

class ChildProcessWorker extends WorkerHandleBase {
  private child: ChildProcess | null = null
  private killedByUs = false
  private stderrTail = ''
  private started: Promise<void> | null = null
  /** Lists this worker while it runs the person's code, so it ends with the farm (`worker-reaper.ts`). */
  private reaped: ReapedWorker | null = null

  constructor(
    private readonly entry: string,
    private readonly execArgv: string[],
    private readonly args: string[] = [],
  ) {
    super()
  }

  get pid(): number | null {
    return this.child?.pid ?? null
  }

  start(): Promise<void> {
    this.started ??= this.launch()
    return this.started
  }

  /** Whether the process keeps the farm's event loop alive (a prestarted one waiting to be taken does not). */
  hold(on: boolean): void {
    const child = this.child as (ChildProcess & { channel?: { ref(): void; unref(): void } }) | null
    if (on) child?.ref()
    else child?.unref()
    if (on) child?.channel?.ref()
    else child?.channel?.unref()
    for (const stream of [child?.stdout, child?.stderr] as (NodeJS.ReadableStream & { ref?(): void; unref?(): void })[])
      if (on) stream?.ref?.()
      else stream?.unref?.()
  }

  private launch(): Promise<void> {
    const ready = this.readyGate()
    const reaper = workerReaper()
    let child: ChildProcess
    try {
      // Advanced serialization keeps large batches cheap and carries typed values intact.
      child = fork(this.entry, this.args, {
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        serialization: 'advanced',
        execArgv: this.execArgv,
        // A worker of a detached farm has no console to share: Windows would open one per worker.
        windowsHide: true,
        env: workerEnvironment(reaper !== null),
      })
    } catch (error) {
      ready.settle(error as Error)
      this.finish({ reason: 'launch-failed', code: null, signal: null })
      return ready.promise
    }
    this.child = child
    const { pid } = child
    const reaped = pid !== undefined ? (reaper?.watch(pid) ?? null) : null
    this.reaped = reaped
    if (this.args.includes(`${LOAD_KIND_FLAG}module`)) reaped?.loadsModule()
    this.pipeLines(child.stdout, 'stdout')
    // The tail of stderr tells an out-of-memory death from other crashes.
    this.pipeLines(child.stderr, 'stderr', (line) => (this.stderrTail = (this.stderrTail + line + '\n').slice(-4096)))
    child.on('message', (message) => {
      const { type, taskId } = message as { type?: string; taskId?: number }
      if (type === 'ready') ready.settle()
      else if ((type === 'done' || type === 'failed') && taskId !== undefined) reaped?.ended(taskId)
      this.emitMessage(message as never)
    })
    child.on('error', (error) => {
      ready.settle(error)
      // 'exit' never follows a failed spawn.
      if (child.pid === undefined) this.finish({ reason: 'launch-failed', code: null, signal: null })
    })
    child.on('exit', (code, signal) => {
      if (pid !== undefined) reaper?.list(pid, false)
      ready.settle(new Error(`worker exited before it was ready (${signal ?? `code ${code}`})`))
      this.finish({ reason: exitReason(code, signal, this.killedByUs, this.stderrTail), code, signal })
    })
    return ready.promise
  }

  post(message: ToWorker): void {
    this.reaped?.sent(message)
    if (this.child?.connected) this.child.send(this.specs.wire(message))
  }

  kill(): void {
    if (!this.child || this.exitInfo) return
    this.killedByUs = true
    this.child.kill('SIGKILL')
  }
}

/**
 * A worker's environment: this process's, saying whether a reaper ends it. Set or removed, never
 * inherited: a farm started by a command that a reaped worker ran has a reaper of its own, or none.
 */
function workerEnvironment(reaped: boolean): NodeJS.ProcessEnv {
  const env = { ...process.env }
  if (reaped) env[REAPED_ENV] = '1'
  else delete env[REAPED_ENV]
  return env
}

/** Maps how a child process ended to the farm's crash reasons. */
export function exitReason(
  code: number | null,
  signal: string | null,
  killedByUs: boolean,
  stderrTail: string,
): ExitReason {
  if (/heap out of memory|Allocation failed - JavaScript heap/i.test(stderrTail)) return 'oom'
  if (signal === 'SIGKILL' || signal === 'SIGTERM' || signal === 'SIGINT') return 'killed'
  if (signal) return 'crashed'
  if (killedByUs) return 'killed'
  return code === 0 ? 'clean-exit' : 'abnormal-exit'
}
