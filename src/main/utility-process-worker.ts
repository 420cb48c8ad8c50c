import { app, utilityProcess, type UtilityProcess } from 'electron'
import { createInterface } from 'node:readline'
import type { WorkerExit, WorkerHandle, WorkerLauncher, WorkerLaunchOptions } from '../core/worker-handle'
import type { FromWorker, ToWorker } from '../shared/worker-protocol'
import { ExitCombiner, type GoneDetails } from './decisions/crash-reason'
import { timerSchedule as schedule } from './decisions/schedule'

/** How long a new worker may take to say `ready` before it counts as failed to launch. */
const READY_TIMEOUT_MS = 15_000

/**
 * `child-process-gone` is an `app` event naming the process by its service name, so one listener
 * routes it to the worker that owns that name.
 */
const goneByServiceName = new Map<string, (details: GoneDetails) => void>()
let listening = false
function listenForGoneProcesses(): void {
  if (listening) return
  listening = true
  app.on('child-process-gone', (_event, details) => {
    if (details.type === 'Utility' && details.name) goneByServiceName.get(details.name)?.(details)
  })
}

/**
 * Workers as Electron utility processes (the desktop app): the same worker entry as the CLI's
 * child processes, talking through `process.parentPort`. Fork only once the app is ready.
 */
export function utilityProcessLauncher(entry: string): WorkerLauncher {
  return (options) => new UtilityProcessWorker(entry, options)
}

class UtilityProcessWorker implements WorkerHandle {
  private child: UtilityProcess | null = null
  private exitInfo: WorkerExit | null = null
  private readonly messageListeners: ((m: FromWorker) => void)[] = []
  private readonly outputListeners: ((s: 'stdout' | 'stderr', line: string) => void)[] = []
  private readonly exitListeners: ((e: WorkerExit) => void)[] = []
  private readonly exits = new ExitCombiner((exit) => this.finish(exit), schedule)
  /** Named per pool (Task Manager and Activity Monitor show it) and numbered, to tell workers apart. */
  readonly serviceName: string

  constructor(
    private readonly entry: string,
    options: WorkerLaunchOptions,
  ) {
    this.serviceName = `Task Farm ${options.pool} worker ${options.workerId}`
  }

  get pid(): number | null {
    return this.child?.pid ?? null
  }

  start(): Promise<void> {
    if (!app.isReady()) return Promise.reject(new Error('utility processes can only be forked once the app is ready'))
    listenForGoneProcesses()
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
      let child: UtilityProcess
      try {
        child = utilityProcess.fork(this.entry, [], { serviceName: this.serviceName, stdio: 'pipe' })
      } catch (error) {
        settle(error as Error)
        this.finish({ reason: 'launch-failed', code: null, signal: null })
        return
      }
      this.child = child
      goneByServiceName.set(this.serviceName, (details) => this.exits.noteGone(details))
      for (const stream of ['stdout', 'stderr'] as const) {
        const input = child[stream]
        if (!input) continue
        createInterface({ input, crlfDelay: Infinity }).on('line', (line) => {
          for (const listener of this.outputListeners) listener(stream, line)
        })
      }
      child.on('message', (message: FromWorker) => {
        if (message.type === 'ready') settle()
        for (const listener of this.messageListeners) listener(message)
      })
      child.on('error', (_type, location) => this.exits.noteFatalError(location))
      child.on('exit', (code) => {
        settle(new Error(`worker exited before it was ready (code ${code})`))
        this.exits.noteExit(code)
      })
    })
  }

  post(message: ToWorker): void {
    if (this.child && !this.exitInfo) this.child.postMessage(message)
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
    this.exits.noteKilledByUs()
    this.child.kill()
  }

  private finish(exit: WorkerExit): void {
    if (this.exitInfo) return
    this.exitInfo = exit
    goneByServiceName.delete(this.serviceName)
    for (const listener of this.exitListeners.splice(0)) listener(exit)
  }
}
