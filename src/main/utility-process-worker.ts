import { app, utilityProcess, type UtilityProcess } from 'electron'
import type { WorkerExit, WorkerLauncher, WorkerLaunchOptions } from '../core/worker-handle'
import { WorkerHandleBase } from '../core/worker-handle-base'
import type { FromWorker, ToWorker } from '../shared/worker-protocol'
import { ExitCombiner, type GoneDetails } from './decisions/crash-reason'
import { timerSchedule as schedule } from '../core/schedule'

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

class UtilityProcessWorker extends WorkerHandleBase {
  private child: UtilityProcess | null = null
  private readonly exits = new ExitCombiner((exit) => this.finish(exit), schedule)
  /** Named per pool (Task Manager and Activity Monitor show it) and numbered, to tell workers apart. */
  readonly serviceName: string

  constructor(
    private readonly entry: string,
    options: WorkerLaunchOptions,
  ) {
    super()
    this.serviceName = `Task Farm ${options.pool} worker ${options.workerId}`
  }

  get pid(): number | null {
    return this.child?.pid ?? null
  }

  start(): Promise<void> {
    if (!app.isReady()) return Promise.reject(new Error('utility processes can only be forked once the app is ready'))
    listenForGoneProcesses()
    const ready = this.readyGate()
    let child: UtilityProcess
    try {
      child = utilityProcess.fork(this.entry, [], { serviceName: this.serviceName, stdio: 'pipe' })
    } catch (error) {
      ready.settle(error as Error)
      this.finish({ reason: 'launch-failed', code: null, signal: null })
      return ready.promise
    }
    this.child = child
    goneByServiceName.set(this.serviceName, (details) => this.exits.noteGone(details))
    this.pipeLines(child.stdout, 'stdout')
    this.pipeLines(child.stderr, 'stderr')
    child.on('message', (message: FromWorker) => {
      if (message.type === 'ready') ready.settle()
      this.emitMessage(message)
    })
    child.on('error', (_type, location) => this.exits.noteFatalError(location))
    child.on('exit', (code) => {
      ready.settle(new Error(`worker exited before it was ready (code ${code})`))
      this.exits.noteExit(code)
    })
    return ready.promise
  }

  post(message: ToWorker): void {
    if (this.child && !this.exitInfo) this.child.postMessage(this.specs.wire(message))
  }

  kill(): void {
    if (!this.child || this.exitInfo) return
    this.exits.noteKilledByUs()
    this.child.kill()
  }

  protected override finish(exit: WorkerExit): void {
    goneByServiceName.delete(this.serviceName)
    super.finish(exit)
  }
}
