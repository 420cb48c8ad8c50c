import type { ExitReason, WorkerExit } from '../../core/worker-handle'
import type { Schedule } from '../../core/schedule'

/** The parts of Electron's `child-process-gone` details this decision reads. */
export interface GoneDetails {
  reason:
    | 'clean-exit'
    | 'abnormal-exit'
    | 'killed'
    | 'crashed'
    | 'oom'
    | 'launch-failed'
    | 'integrity-failure'
    | 'memory-eviction'
  exitCode: number
}

export interface ExitFacts {
  /** From `app`'s `child-process-gone`, when it came. */
  gone: GoneDetails | null
  /** From the utility process's `exit` event. */
  exitCode: number | null
  /** We killed it (stop's grace period ran out, terminate, cancel). */
  killedByUs: boolean
  /** The `location` of a V8 fatal error the process reported before dying, if any. */
  fatalError: string | null
}

/** Maps what Electron told us about a utility process's end to the farm's crash reasons. */
export function crashReason(facts: ExitFacts): ExitReason {
  const { gone, exitCode, killedByUs, fatalError } = facts
  if (gone?.reason === 'oom' || gone?.reason === 'memory-eviction') return 'oom'
  if (fatalError && /heap|out of memory|allocation failed/i.test(fatalError)) return 'oom'
  if (gone?.reason === 'launch-failed' || gone?.reason === 'integrity-failure') return 'launch-failed'
  if (killedByUs || gone?.reason === 'killed') return 'killed'
  if (gone?.reason === 'crashed' || fatalError) return 'crashed'
  if (gone?.reason === 'abnormal-exit') return 'abnormal-exit'
  const code = exitCode ?? gone?.exitCode ?? null
  return code === 0 ? 'clean-exit' : 'abnormal-exit'
}

/**
 * `exit` and `child-process-gone` arrive in either order, and `child-process-gone` does not come at
 * all for a clean exit. The exit is settled once both are in, or once `exit` has waited `waitMs`
 * for the other; `settle` is called exactly once.
 */
export class ExitCombiner {
  private gone: GoneDetails | null = null
  private exitCode: number | null = null
  private exited = false
  private fatalError: string | null = null
  private killedByUs = false
  private settled = false
  private cancelWait: (() => void) | null = null

  constructor(
    private readonly settle: (exit: WorkerExit) => void,
    private readonly schedule: Schedule,
    private readonly waitMs = 1000,
  ) {}

  noteKilledByUs(): void {
    this.killedByUs = true
  }

  noteFatalError(location: string): void {
    this.fatalError = location
  }

  noteGone(details: GoneDetails): void {
    this.gone = details
    if (this.exited) this.finish()
  }

  noteExit(code: number): void {
    if (this.exited) return
    this.exited = true
    this.exitCode = code
    // A clean exit we asked for needs no word from Chromium; anything else waits a moment for it.
    if (this.gone || (code === 0 && !this.fatalError)) this.finish()
    else this.cancelWait = this.schedule(this.waitMs, () => this.finish())
  }

  private finish(): void {
    if (this.settled) return
    this.settled = true
    this.cancelWait?.()
    const { gone, exitCode, killedByUs, fatalError } = this
    this.settle({ reason: crashReason({ gone, exitCode, killedByUs, fatalError }), code: exitCode, signal: null })
  }
}
