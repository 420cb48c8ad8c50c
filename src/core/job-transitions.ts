import type { JobState } from '../shared/job-state'

/**
 * A job's life as a table: (state, event) → (state, effects). Pure data, so it is tested pair by pair
 * without processes; `JobLifecycle` (job-lifecycle.ts) is the one place that applies it.
 *
 * Besides the stored states, a job that is being stopped is in one of the stopping states below until
 * its last task has ended (then the `stopped` event ends it). They live in memory only: the history
 * keeps showing the state the job had before. A farm that dies meanwhile finds it so (`running`
 * becomes `interrupted`), and finishes a cancel it had accepted (`owe-cancel`) when it next opens.
 */
export const stoppingStates = ['cancelling', 'refusing', 'interrupting', 'timing-out', 'halting'] as const
export type StoppingState = (typeof stoppingStates)[number]
export type LifeState = JobState | StoppingState
export const isStopping = (s: LifeState): s is StoppingState => (stoppingStates as readonly string[]).includes(s)

/** What may happen to a job, grouped by who sends it (see docs/architecture.md, "A job's life"). */
export const jobEvents = [
  // a person, through any door
  'pause',
  'resume',
  'retry',
  'cancel',
  'interrupt',
  // the scheduler
  'start',
  'done',
  'done-with-errors',
  'stopped',
  'fail',
  // a plan that found the job impossible after work went out (a copy that cannot fit)
  'refuse',
  // the kind's stop rule, asked every tick
  'deadline',
  'halt',
  'halt-now',
  // the farm itself
  'farm-stopped',
  'recovered',
  // the jobs it follows (`--after`): it waits for them, then goes to its pool's queue or is skipped
  'wait',
  'release',
  'skip',
] as const
export type JobEvent = (typeof jobEvents)[number]

/**
 * What applying an event does besides setting the state, in this order:
 * - `reset-failed`: failed units go back to pending (refused when a completed job has none);
 * - `dequeue`: the job leaves its pool's queue;
 * - `enqueue`: the job joins its pool's queue (and starts when the pool has room);
 * - `owe-cancel`: the history records that a cancel is owed, before anything else happens, so that a
 *   farm killed before the job's end finishes the cancel when it next opens (finished states clear it);
 * - `activate`: a job with no active run gets one from the history, its phase set before any task
 *   goes out (a clean-up first when it has run before, then a plan if it has none);
 * - `abort`: its workers are asked to stop; those still busy after the grace period are killed;
 * - `cleanup`: a cancel's clean-up task runs once every task has ended;
 * - `end`: the job leaves the active ones, the next queued job may start, and waiters are told.
 * A job still active afterwards is looked at again at once: work goes out, or it ends if every unit
 * has settled (a resume) or its last task has already ended (a stop).
 */
export type Effect = 'reset-failed' | 'dequeue' | 'enqueue' | 'owe-cancel' | 'activate' | 'abort' | 'cleanup' | 'end'

export interface Transition {
  to: LifeState
  effects: readonly Effect[]
}

const to = (state: LifeState, ...effects: Effect[]): Transition => ({ to: state, effects })

/** Every stopping state can still fail outright (its pool cannot start workers) or stop with the farm. */
const stopping = (ends: JobState, onFarmStop: LifeState): Partial<Record<JobEvent, Transition>> => ({
  stopped: to(ends, 'end'),
  fail: to('failed', 'abort', 'end'),
  'farm-stopped': to(onFarmStop, 'abort'),
})
/** A person may still turn any stop but a refusal into a cancel, so its clean-up runs. */
const cancellable = { cancel: to('cancelling', 'owe-cancel', 'abort', 'cleanup') }
const restartable = {
  resume: to('running', 'activate'),
  retry: to('running', 'reset-failed', 'activate'),
  cancel: to('cancelling', 'owe-cancel', 'activate', 'abort', 'cleanup'),
}
const retryable = { retry: to('running', 'reset-failed', 'activate') }

export const transitions: Record<LifeState, Partial<Record<JobEvent, Transition>>> = {
  running: {
    pause: to('paused'),
    cancel: to('cancelling', 'owe-cancel', 'abort', 'cleanup'),
    interrupt: to('interrupting', 'abort'),
    refuse: to('refusing', 'abort', 'cleanup'),
    deadline: to('timing-out', 'abort'),
    halt: to('halting'),
    'halt-now': to('halting', 'abort'),
    done: to('completed', 'end'),
    'done-with-errors': to('completed-with-errors', 'end'),
    fail: to('failed', 'abort', 'end'),
    'farm-stopped': to('interrupting', 'abort'),
    recovered: to('interrupted', 'end'),
  },
  paused: {
    resume: to('running', 'activate'),
    cancel: to('cancelling', 'owe-cancel', 'activate', 'abort', 'cleanup'),
    interrupt: to('interrupting', 'activate', 'abort'),
    refuse: to('refusing', 'abort', 'cleanup'),
    // A plan-only job whose plan ends while it is paused has nothing left to run.
    done: to('completed', 'end'),
    'done-with-errors': to('completed-with-errors', 'end'),
    fail: to('failed', 'abort', 'end'),
    'farm-stopped': to('paused', 'abort'),
  },
  queued: {
    start: to('running', 'activate'),
    pause: to('paused', 'dequeue'),
    cancel: to('cancelled', 'dequeue', 'end'),
    interrupt: to('interrupted', 'dequeue', 'end'),
    wait: to('waiting', 'dequeue'),
  },
  // Nothing of it has run: a cancel ends it at once; the jobs it follows decide the rest.
  waiting: {
    release: to('queued', 'enqueue'),
    skip: to('skipped', 'end'),
    cancel: to('cancelled', 'end'),
  },
  // `retry` runs it after all (the jobs it followed no longer count).
  skipped: retryable,
  interrupted: restartable,
  'timed-out': restartable,
  completed: retryable,
  'completed-with-errors': retryable,
  failed: retryable,
  cancelled: retryable,
  cancelling: stopping('cancelled', 'interrupting'),
  refusing: stopping('failed', 'interrupting'),
  interrupting: { ...cancellable, ...stopping('interrupted', 'interrupting') },
  'timing-out': { ...cancellable, ...stopping('timed-out', 'timing-out') },
  halting: { ...cancellable, ...stopping('failed', 'halting') },
}

/** The rule for this pair, or null when the event is not allowed in this state. */
export function transition(from: LifeState, event: JobEvent): Transition | null {
  return transitions[from][event] ?? null
}

/**
 * The state a job shows (and the history keeps) while in `life`; `before` is what it showed until now.
 * A stop keeps the state it found, also a job that had ended (interrupted, timed out) and is active
 * again for a cancel's clean-up: it never shows `running` while nothing of it runs. Waiters know it
 * has not ended by the summary's `cancelling`; a farm that dies meanwhile still owes the cancel.
 */
export function shownState(life: LifeState, before: JobState): JobState {
  return isStopping(life) ? before : life
}

const verbs: Partial<Record<JobEvent, string>> = {
  pause: 'paused',
  resume: 'resumed',
  retry: 'retried',
  cancel: 'cancelled',
  interrupt: 'interrupted',
  start: 'started',
  wait: 'made to wait',
}
const stoppingWords: Record<StoppingState, string> = {
  cancelling: 'being cancelled',
  refusing: 'stopping to end as failed',
  interrupting: 'stopping to end as interrupted',
  'timing-out': 'stopping to end as timed-out',
  halting: 'stopping to end as failed',
}

/** One sentence for a pair the table does not allow, naming the states where the event is allowed. */
export function refusal(jobId: number, from: LifeState, event: JobEvent, before: JobState = 'running'): string {
  const shown = isStopping(from) ? stoppingWords[from] : from
  if (event === 'resume' && ['completed', 'completed-with-errors', 'failed', 'cancelled'].includes(from))
    return `Job ${jobId} has ended (${from}); use retry to re-run its failed items, or run it again.`
  if (event === 'retry' && (from === 'queued' || from === 'waiting')) return `Job ${jobId} has not run yet.`
  if (event === 'retry' && (from === 'running' || from === 'paused' || isStopping(from)))
    return `Job ${jobId} is still active (${isStopping(from) ? before : from}); retry it once it has ended.`
  if (event === 'cancel' && from === 'cancelling') return `Job ${jobId} is already being cancelled.`
  if ((event === 'pause' && from === 'paused') || (event === 'resume' && from === 'running'))
    return `Job ${jobId} is already ${from}.`
  const allowed = (Object.keys(transitions) as LifeState[]).filter((s) => !isStopping(s) && transitions[s][event])
  const verb = verbs[event]
  if (!verb || allowed.length === 0) return `Job ${jobId} is ${shown}: it cannot be sent "${event}".`
  const list = allowed.length === 1 ? allowed[0] : `${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}`
  return `Job ${jobId} is ${shown}: only ${/^[aeiou]/.test(list!) ? 'an' : 'a'} ${list} job can be ${verb}.`
}

/** What the farm must do next for a job before its run tasks go out. */
export type Phase = 'plan' | 'cleanup-cancel' | 'cleanup-resume' | null
/** What happened to the task that serves a phase. */
export type PhaseEvent = 'plan-sent' | 'plan-lost' | 'cleanup-ended'

/**
 * The phase after a phase's task went out or ended. A plan's phase clears when its task goes out (its
 * items stream, so run tasks follow them); a clean-up's when it ends, once, whatever the workers did.
 * A resume's clean-up is followed by the plan when the job was never planned through.
 */
export function nextPhase(phase: Phase, event: PhaseEvent, planned: boolean): Phase {
  if (event === 'plan-sent') return phase === 'plan' ? null : phase
  if (event === 'plan-lost') return phase ?? 'plan'
  if (phase === 'cleanup-resume') return planned ? null : 'plan'
  return phase === 'cleanup-cancel' ? null : phase
}
