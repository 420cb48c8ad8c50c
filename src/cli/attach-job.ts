import { setTimeout as delay } from 'node:timers/promises'
import type { JobSummary } from '../shared/api-types'
import { summaryHasEnded } from '../shared/job-state'
import type { ControlClient } from '../host/control-client'
import { exitCodeFor, exitCodes } from './exit-codes'
import { createProgressView, type ProgressView } from './progress-view'

export interface AttachOptions {
  json?: boolean
  /** `wait`: no progress bar, only the end. */
  quiet?: boolean
  /** Give up after this long (exit 124); the job goes on. */
  timeoutMs?: number
  /** Ctrl-C interrupts the job (once) and stops waiting (twice); `wait` only stops waiting. */
  interruptOnSignal?: boolean
  /** The exit code for the job's end; by default the job's own (0 completed, 1 failed…). */
  codeFor?: (job: JobSummary) => number
  /** Shows what the command shows of the job's units (their output) before its end line. */
  beforeEnd?: () => void
  /** Progress, notes and the end line go to standard error (see `ForegroundOptions.statusOnStderr`). */
  statusOnStderr?: boolean
}

/**
 * Follows a job the owner runs, with the same bar, exit codes and Ctrl-C as a job run here: once,
 * the job is interrupted (resumable); twice, this command stops waiting and the job keeps its state.
 */
export async function attachToJob(owner: ControlClient, jobId: number, options: AttachOptions = {}): Promise<number> {
  const view = createProgressView({ json: options.json ?? false, statusOnStderr: options.statusOnStderr })
  const shown: ProgressView = options.quiet ? { ...view, update() {}, log() {} } : view
  type Outcome = { end: JobSummary } | { gone: true } | { stopped: 'signal' | 'timeout' | 'removed' }
  let settle!: (outcome: Outcome) => void
  const outcome = new Promise<Outcome>((resolve) => (settle = resolve))
  const seen = (job: JobSummary): void => {
    if (job.id !== jobId) return
    if (summaryHasEnded(job)) settle({ end: job })
    else shown.update(job)
  }
  const offs = [
    owner.on('job.updated', seen),
    owner.on('job.ended', seen),
    owner.on('job.log', ({ entries }) => entries.filter((e) => e.jobId === jobId).forEach((e) => shown.log(e))),
    owner.on('job.removed', (removed) => removed.jobId === jobId && settle({ stopped: 'removed' })),
    owner.onGone(() => settle({ gone: true })),
  ]
  let signals = 0
  let interruptAsked: Promise<unknown> = Promise.resolve()
  const onSignal = (signal: NodeJS.Signals): void => {
    // A hang-up often comes twice (the terminal, then the shell passing it on): it never escalates.
    if (signal === 'SIGHUP' && signals > 0) return
    signals++
    if (signals > 1 || !options.interruptOnSignal) {
      // Not before the farm has taken the first Ctrl-C's interrupt: a farm slow to read it (a loaded
      // machine) dropped it when this command's exit closed the connection, and the job ran on.
      void Promise.race([interruptAsked, delay(INTERRUPT_ANSWER_MS)]).then(() => settle({ stopped: 'signal' }))
      return
    }
    view.note('Stopping: the job will be resumable (Ctrl-C again to stop waiting; the job keeps its state).')
    interruptAsked = owner
      .call('jobs.interrupt', { jobId })
      .catch((error: Error) => view.note(`Could not interrupt job ${jobId}: ${error.message}`))
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  process.on('SIGHUP', onSignal)
  const timer =
    options.timeoutMs === undefined ? null : setTimeout(() => settle({ stopped: 'timeout' }), options.timeoutMs)
  // The job may have ended before we listened.
  owner.call('jobs.get', { jobId }).then(seen, () => {})
  try {
    const result = await outcome
    if ('end' in result) {
      options.beforeEnd?.()
      view.end(result.end)
      return options.codeFor?.(result.end) ?? exitCodeFor(result.end.state, result.end.errorCode)
    }
    if ('gone' in result) {
      process.stderr.write(
        `task-farm: the farm running job ${jobId} went away; \`task-farm resume ${jobId}\` goes on from where it stopped.\n`,
      )
      return exitCodes.failed
    }
    if (result.stopped === 'timeout') {
      view.note(`Job ${jobId} has not ended yet; it goes on in the farm.`)
      return exitCodes.timedOut
    }
    if (result.stopped === 'removed') {
      view.note(`Job ${jobId} was removed from the history.`)
      return exitCodes.failed
    }
    view.note(`Stopped waiting; job ${jobId} keeps its state (\`task-farm wait ${jobId}\` waits again).`)
    return exitCodes.interrupted
  } finally {
    offs.forEach((off) => off())
    if (timer) clearTimeout(timer)
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    // The shell often passes a hang-up on after the terminal's: one landing while this command flushes
    // its output and exits must not kill it half-way. Installed before the other handler goes: with no
    // handler at all for an instant, a hang-up then took the signal's default and killed the command.
    process.on('SIGHUP', ignoreHangUp)
    process.off('SIGHUP', onSignal)
  }
}

const ignoreHangUp = (): void => undefined

/** The longest a second Ctrl-C waits for the farm to answer the first one's interrupt. */
const INTERRUPT_ANSWER_MS = 5000
