import { fork, type ChildProcess } from 'node:child_process'
import type { ToWorker } from '../shared/worker-protocol'
import type { ExitReason, WorkerLauncher } from './worker-handle'
import { WorkerHandleBase } from './worker-handle-base'

/** Workers as Node child processes: the CLI, the web host and the tests. */
export function childProcessLauncher(entry: string, options: { execArgv?: string[] } = {}): WorkerLauncher {
  return () => new ChildProcessWorker(entry, options.execArgv ?? [])
}

class ChildProcessWorker extends WorkerHandleBase {
  private child: ChildProcess | null = null
  private killedByUs = false
  private stderrTail = ''

  constructor(
    private readonly entry: string,
    private readonly execArgv: string[],
  ) {
    super()
  }

  get pid(): number | null {
    return this.child?.pid ?? null
  }

  start(): Promise<void> {
    const ready = this.readyGate()
    let child: ChildProcess
    try {
      // Advanced serialization keeps large batches cheap and carries typed values intact.
      child = fork(this.entry, [], {
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        serialization: 'advanced',
        execArgv: this.execArgv,
        // A worker of a detached farm has no console to share: Windows would open one per worker.
        windowsHide: true,
      })
    } catch (error) {
      ready.settle(error as Error)
      this.finish({ reason: 'launch-failed', code: null, signal: null })
      return ready.promise
    }
    this.child = child
    this.pipeLines(child.stdout, 'stdout')
    // The tail of stderr tells an out-of-memory death from other crashes.
    this.pipeLines(child.stderr, 'stderr', (line) => (this.stderrTail = (this.stderrTail + line + '\n').slice(-4096)))
    child.on('message', (message) => {
      if ((message as { type?: string }).type === 'ready') ready.settle()
      this.emitMessage(message as never)
    })
    child.on('error', (error) => {
      ready.settle(error)
      // 'exit' never follows a failed spawn.
      if (child.pid === undefined) this.finish({ reason: 'launch-failed', code: null, signal: null })
    })
    child.on('exit', (code, signal) => {
      ready.settle(new Error(`worker exited before it was ready (${signal ?? `code ${code}`})`))
      this.finish({ reason: exitReason(code, signal, this.killedByUs, this.stderrTail), code, signal })
    })
    return ready.promise
  }

  post(message: ToWorker): void {
    if (this.child?.connected) this.child.send(message)
  }

  kill(): void {
    if (!this.child || this.exitInfo) return
    this.killedByUs = true
    this.child.kill('SIGKILL')
  }
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
