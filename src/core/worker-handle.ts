import type { FromWorker, ToWorker } from '../shared/worker-protocol'

/** Why a worker process ended. */
export type ExitReason = 'clean-exit' | 'abnormal-exit' | 'killed' | 'crashed' | 'oom' | 'launch-failed'

export interface WorkerExit {
  reason: ExitReason
  code: number | null
  signal: string | null
}

/**
 * One worker process, whatever runs it: `child_process.fork` (CLI, web host, tests) or Electron's
 * `utilityProcess.fork` (the app). The pool only ever sees this interface.
 */
export interface WorkerHandle {
  readonly pid: number | null
  /** Resolves once the worker said `ready`; rejects (reason `launch-failed`) when it never does. */
  start(): Promise<void>
  post(message: ToWorker): void
  onMessage(listener: (message: FromWorker) => void): void
  /** Lines the worker wrote to stdout/stderr, for the job log. */
  onOutput(listener: (stream: 'stdout' | 'stderr', line: string) => void): void
  /** Called once, whichever way the process ended. */
  onExit(listener: (exit: WorkerExit) => void): void
  /** Ask politely (`shutdown`), then kill once `graceMs` has passed. Resolves when it is gone. */
  stop(graceMs: number): Promise<WorkerExit>
  /** Kill at once. */
  kill(): void
}

export interface WorkerLaunchOptions {
  pool: string
  /** A number unique within the farm, for logs and service names. */
  workerId: number
}

export type WorkerLauncher = (options: WorkerLaunchOptions) => WorkerHandle
