import type { JobSpec } from '../shared/job-spec'
import type { LogLevel } from '../shared/job-state'
import type { PlannedItem, PlanSummary } from '../shared/worker-protocol'
import type { Units } from './task-units'

/**
 * What a job kind implements in a worker process. Handlers never know which runtime they run in
 * (Electron utility process or Node child process): they only see these contexts.
 */
export interface TaskContext {
  jobId: number
  /** Aborted when the job is cancelled or the farm stops; handlers stop at the next safe point. */
  signal: AbortSignal
  log(level: LogLevel, message: string): void
}

export interface PlanContext extends TaskContext {
  /** Hand over items as they are found; the runtime sends them on in batches. */
  emit(item: PlannedItem): void
  /** Units with neither size nor payload, by their keys alone (a map's inputs): as `emit`, no object per unit. */
  emitKeys(keys: readonly string[]): void
  /** The history file, read-only, when this worker can see it (not on other hosts). */
  history?: string
  /** Units may find more units when they run (`RunContext.emit`): the plan may leave finding to them. */
  findUnits?: boolean
}

export interface RunContext extends TaskContext {
  /** The history file of the task's job, when this worker can see it (not on other hosts). */
  history?: string
  done(id: number, result?: unknown): void
  /** `retryable: false` when trying again cannot help; the default is true. */
  failed(
    id: number,
    error: string,
    options?: { code?: string; retryable?: boolean; result?: unknown; retryAfterMs?: number },
  ): void
  /** Bytes moved so far within an unfinished item (shows in-file progress and the current item). */
  progress(id: number, bytesSoFar: number): void
  /** The unit's run leads a process group (POSIX): the farm ends it if this worker dies. */
  spawned?(id: number, group: number): void
  /**
   * The running unit `id` found a new unit of the job (a folder unit its files and subfolders). Found
   * units are stored with `id`'s `done`, in one transaction, and dropped when it fails instead.
   */
  emit?(id: number, unit: PlannedItem): void
  /** The farmer's pace per host, shared by every worker of the job; absent when the farmer does not pace. */
  hostTurns?: HostTurns
}

/** Turns to send a request to a host, handed out by whoever paces the job's hosts. */
export interface HostTurns {
  /** Resolves with a ticket when a request to `host` may start; null when `signal` aborted first. */
  turn(host: string, crawlDelayMs: number | null, signal: AbortSignal): Promise<number | null>
  /** How the host answered the request of `ticket`. */
  answered(host: string, ticket: number, throttled: boolean, retryAfterMs: number | null): void
  /** Tells the pacer of requests sent without a turn (`freeUntilThrottled`); absent: every request asks. */
  used?(host: string, requests: number, ok: number): void
}

export interface CleanupContext extends TaskContext {
  reason: 'cancel' | 'resume'
}

export interface KindHandler<S extends JobSpec = JobSpec> {
  /** Split the job into items, streamed through `ctx.emit`. Throw a UserError to refuse the job. */
  plan(spec: S, ctx: PlanContext): Promise<PlanSummary | void>
  /**
   * Run a batch of units; report each one through `ctx.done` or `ctx.failed`. The units are made as they
   * are iterated (`TaskUnits`): read them once, in order, and keep only those still needed.
   */
  run(spec: S, units: Units, ctx: RunContext): Promise<void>
  /** Undo what a cancelled job left behind (temporary files…), or tidy up before a resume. */
  cleanup?(spec: S, ctx: CleanupContext): Promise<void>
}
