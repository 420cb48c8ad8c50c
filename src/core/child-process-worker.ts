import { fork, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import type { FromWorker, ToWorker } from '../shared/worker-protocol'
import type { ExitReason, WorkerExit, WorkerHandle, WorkerLauncher } from './worker-handle'

/** How long a new worker may take to say `ready` before it counts as failed to launch. */
const READY_TIMEOUT_MS = 15_000

/** Workers as Node child processes: the CLI, the web host and the tests. */
export function childProcessLauncher(entry: string, options: { execArgv?: string[] } = {}): WorkerLauncher {
  return () => new ChildProcessWorker(entry, options.execArgv ?? [])
}

class ChildProcessWorker implements WorkerHandle {
  private child: ChildProcess | null = null
  private exitInfo: WorkerExit | null = null
  private killedByUs = false
  private stderrTail = ''
  private readonly messageListeners: ((m: FromWorker) => void)[] = []
  private readonly outputListeners: ((s: 'stdout' | 'stderr', line: string) => void)[] = []
  private readonly exitListeners: ((e: WorkerExit) => void)[] = []

  constructor(
    private readonly entry: string,
    private readonly execArgv: string[],
  ) {}

  get pid(): number | null {
    return this.child?.pid ?? null
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      let settled = false
      const settle = (error?: Error): void => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        if (error) reject(error)
        else resolve()
      }
      const timer = setTimeout(() => {
        settle(new Error('worker did not become ready in time'))
        this.kill()
      }, READY_TIMEOUT_MS)
      let child: ChildProcess
      try {
        // Advanced serialization keeps large batches cheap and carries typed values intact.
        child = fork(this.entry, [], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'advanced', execArgv: this.execArgv })
      } catch (error) {
        settle(error as Error)
        return
      }
      this.child = child
      for (const stream of ['stdout', 'stderr'] as const) {
        const lines = createInterface({ input: child[stream]!, crlfDelay: Infinity })
        lines.on('line', (line) => {
          if (stream === 'stderr') this.stderrTail = (this.stderrTail + line + '\n').slice(-4096)
          for (const l of this.outputListeners) l(stream, line)
        })
      }
      child.on('message', (message: FromWorker) => {
        if (message.type === 'ready') settle()
        for (const l of this.messageListeners) l(message)
      })
      child.on('error', (error) => {
        settle(error)
        // 'exit' may never follow a spawn error; report it ourselves.
        if (child.exitCode === null && child.signalCode === null && child.pid === undefined) this.finish(null, null, 'launch-failed')
      })
      child.on('exit', (code, signal) => {
        settle(new Error(`worker exited before it was ready (${signal ?? `code ${code}`})`))
        this.finish(code, signal, null)
      })
    })
  }

  post(message: ToWorker): void {
    if (this.child?.connected) this.child.send(message)
  }

  onMessage(listener: (message: FromWorker) => void): void {
    this.messageListeners.push(listener)
  }
  onOutput(listener: (stream: 'stdout' | 'stderr', line: string) => void): void {
    this.outputListeners.push(listener)
  }
  onExit(listener: (exit: WorkerExit) => void): void {
    if (this.exitInfo) listener(this.exitInfo)
    else this.exitListeners.push(listener)
  }

  stop(graceMs: number): Promise<WorkerExit> {
    if (this.exitInfo) return Promise.resolve(this.exitInfo)
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.kill(), graceMs)
      this.onExit((exit) => {
        clearTimeout(timer)
        resolve(exit)
      })
      this.post({ type: 'shutdown' })
    })
  }

  kill(): void {
    if (!this.child || this.exitInfo) return
    this.killedByUs = true
    this.child.kill('SIGKILL')
  }

  private finish(code: number | null, signal: string | null, forced: ExitReason | null): void {
    if (this.exitInfo) return
    this.exitInfo = { reason: forced ?? exitReason(code, signal, this.killedByUs, this.stderrTail), code, signal }
    for (const l of this.exitListeners.splice(0)) l(this.exitInfo)
  }
}

/** Maps how a child process ended to the farm's crash reasons. */
export function exitReason(code: number | null, signal: string | null, killedByUs: boolean, stderrTail: string): ExitReason {
  if (/heap out of memory|Allocation failed - JavaScript heap/i.test(stderrTail)) return 'oom'
  if (signal === 'SIGKILL' || signal === 'SIGTERM' || signal === 'SIGINT') return 'killed'
  if (signal) return 'crashed'
  if (killedByUs) return 'killed'
  return code === 0 ? 'clean-exit' : 'abnormal-exit'
}
