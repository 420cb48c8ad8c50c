import type { PoolName } from '../shared/job-spec'
import { hasEnded, type JobState } from '../shared/job-state'
import { UserError } from '../shared/user-error'
import type { JobRun } from './job-run'
import type { JobScheduler, SchedulerDeps } from './job-scheduler'
import type { JobStopRules } from './job-stop-rules'
import {
  isStopping,
  nextPhase,
  refusal,
  shownState,
  transition,
  type JobEvent,
  type LifeState,
  type Phase,
  type PhaseEvent,
} from './job-transitions'

export { transitions, jobEvents, type JobEvent, type LifeState } from './job-transitions'

export interface LifecycleDeps extends Pick<SchedulerDeps, 'store' | 'writer' | 'pools' | 'now' | 'log'> {
  scheduler: JobScheduler
  /** The job's summary changed (the next tick publishes it). */
  changed(jobId: number): void
  /** The job has ended (`hasEnded`): waiters, the window and the tray are told. */
  ended(jobId: number): void
  /** Sees every applied transition, stopping states included (tests check each against the table). */
  transitioned?(jobId: number, from: LifeState, event: JobEvent, to: LifeState): void
  /** The kinds' stop rules (deadline, `--halt`), asked as a job starts. */
  stopRules: JobStopRules
}

/** What an event may carry: the timeline's note, and the error the job ends with. */
export interface EventDetail {
  note?: string
  error?: string | null
  code?: string | null
}

/** The fields of a run only this module writes. */
type LifeFields = { -readonly [K in 'life' | 'state' | 'special' | 'ending']: JobRun[K] }

const notes: Partial<Record<JobEvent, string>> = {
  start: 'started',
  pause: 'paused by the user',
  resume: 'resumed',
  retry: 'retry',
  cancel: 'cancelled by the user',
  interrupt: 'interrupted by the user',
  'farm-stopped': 'the farm stopped',
  recovered: 'the farm stopped while this job ran (crash or kill)',
  release: 'the jobs it follows have finished',
}

/**
 * The one owner of a job's life: the only writer of a job's state and phase, in the history and in
 * memory. Everything that changes either (the farm's controls, the scheduler, task results, the stop
 * rules, the farm stopping) sends an event here; the table in job-transitions.ts decides.
 */
export class JobLifecycle {
  constructor(private readonly d: LifecycleDeps) {}

  /** Applies an event to a job; a pair the table does not allow is a one-sentence `UserError`. */
  apply(jobId: number, event: JobEvent, detail: EventDetail = {}): void {
    let run = this.d.scheduler.runs.get(jobId)
    const row = this.d.store.job(jobId)
    if (!row) throw new UserError(`There is no job ${jobId}.`, 'no-such-job')
    const from: LifeState = run?.life ?? row.state
    const rule = transition(from, event)
    if (!rule) throw new UserError(refusal(jobId, from, event, run?.state ?? row.state), 'bad-state')
    const note =
      detail.note ?? (row.state === 'queued' && event === 'pause' ? 'paused before it started' : notes[event])
    for (const effect of rule.effects) {
      if (effect === 'reset-failed') this.resetFailed(jobId, row.state)
      else if (effect === 'dequeue') this.d.scheduler.dequeue(jobId)
      else if (effect === 'enqueue') this.d.scheduler.enqueue(jobId, row.pool as PoolName, row.priority)
      else if (effect === 'owe-cancel') this.d.store.askCancel(jobId, this.d.now())
      else if (effect === 'activate') run ??= this.activate(jobId)
    }
    this.d.transitioned?.(jobId, from, event, rule.to)
    const ends = rule.effects.includes('end')
    if (ends && run) this.d.writer.flush()
    const before = run?.state ?? row.state
    const state = shownState(rule.to, before)
    if (run) {
      const fields = run as unknown as LifeFields
      if (isStopping(rule.to) && rule.to !== from)
        fields.ending = { note: detail.error ?? note ?? '', error: detail.error ?? null, code: detail.code ?? null }
      fields.life = rule.to
      fields.state = state
      if (state !== 'running') run.meter.reset()
      if (rule.effects.includes('cleanup')) {
        fields.special = 'cleanup-cancel'
        run.dropRetries()
      }
    }
    if (state !== before) {
      const ending = event === 'stopped' ? run?.ending : undefined
      const error = detail.error !== undefined ? detail.error : (ending?.error ?? null)
      const extra =
        state === 'running'
          ? { started: true, finished: false, error: null }
          : hasEnded(state)
            ? { finished: true, error, errorCode: detail.code ?? ending?.code ?? null }
            : {}
      const said = ending ? ending.note : note
      this.d.store.setState(jobId, state, this.d.now(), said ?? '', extra)
    }
    // Admitted only once the history says `queued`: the `start` it may send reads that state.
    if (rule.effects.includes('enqueue')) this.d.scheduler.admit()
    if (run && rule.effects.includes('abort')) void this.d.scheduler.abortTasks(run) // never rejects
    if (ends) return this.end(jobId, run)
    this.d.changed(jobId)
    if (!run) return
    const pool = this.d.pools[run.pool]
    // A crawl's pages are found on local workers only: in a pool of remote hosts alone it would wait for ever.
    const broken =
      pool.brokenReason ??
      (run.once && pool.config.size === 0 ? 'it has no local workers, and a crawl runs on local workers only' : null)
    if (broken && rule.effects.includes('activate'))
      return this.apply(jobId, 'fail', { error: `The ${run.pool} pool cannot run: ${broken}.` })
    // A job whose time is up as it starts (a follower released after its deadline) sends no task.
    if (rule.effects.includes('activate') && this.d.stopRules.stopIfDue(run, this.d.now())) return
    this.d.scheduler.afterChange(run)
  }

  /** A task that serves the job's phase went out or ended: the phase moves on (job-transitions.ts). */
  phase(run: JobRun, event: PhaseEvent): void {
    ;(run as unknown as LifeFields).special = nextPhase(run.special, event, run.planned)
  }

  /** A job from the history becomes active, its phase set before its first task can go out. */
  private activate(jobId: number): JobRun {
    this.d.writer.flush()
    this.d.store.recount(jobId)
    const run = this.d.scheduler.newRun(jobId)
    // Whatever a crash, a stop or a cancel left half-done (temporary files…) is tidied before items run again.
    const ranBefore = this.d.store.job(jobId)?.started_at !== null
    if (ranBefore) (run as unknown as LifeFields).special = 'cleanup-resume' satisfies Phase
    return run
  }

  private resetFailed(jobId: number, state: JobState): void {
    const reset = this.d.store.resetFailedItems(jobId)
    if (state === 'completed' && reset === 0)
      throw new UserError(`Job ${jobId} has no failed items to retry.`, 'nothing-to-retry')
    this.d.log(jobId, 'info', 'core', `retrying ${reset} failed item${reset === 1 ? '' : 's'}`)
  }

  /** The job leaves the active ones; the next queued job may take its place. */
  private end(jobId: number, run: JobRun | undefined): void {
    if (run) this.d.scheduler.runs.delete(jobId)
    this.d.changed(jobId)
    this.d.ended(jobId)
    this.d.scheduler.admit()
    if (run) this.d.scheduler.dispatch(run.pool)
  }
}
