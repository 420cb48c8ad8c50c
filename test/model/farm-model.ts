import type { JobState } from '../../src/shared/job-state'
import {
  checkOn,
  endedStates,
  isEnded,
  legalTransitions,
  relaxedTransitions,
  type Cause,
  type CheckName,
} from './job-rules'
import type { JobPlan } from './model-fixtures'
import type { UnitRun } from './unit-records'

/** What the model expects of a job now. */
export type Expectation =
  /** Queued or running: the farm may start it, end it, or (with a deadline) time it out. */
  | { is: 'active' }
  /** The farm accepted a pause: it stays paused until a control moves it. */
  | { is: 'paused' }
  /** The farm accepted a cancel: it becomes `cancelled` within the grace period. */
  | { is: 'cancelling'; since: number; afterKill?: boolean }
  /** It came to rest in this state (ended, interrupted, timed out): it stays there until a control moves it. */
  | { is: 'resting'; state: JobState; since: number }

export interface ModelJob {
  id: number
  tag: number
  plan: JobPlan
  expect: Expectation
  /** Controls the farm accepted whose transition the timeline has not shown yet. */
  causes: Cause[]
  /** Timeline entries already checked. */
  checked: number
  lastState: JobState
  runs: UnitRun[]
  /** Units allowed to run again although a run of theirs finished: not yet recorded when a kill came. */
  grants: { name: string; at: number }[]
  /** When retries of this job were accepted (a failed unit may run again after one). */
  retries: number[]
  /** Times when no unit of the job may start: from an accepted pause or cancel to the resume or retry. */
  holds: { by: 'pause' | 'cancel'; from: number; to: number | null }[]
  /** The job it was made to follow (`--after`; `ok`: `--after-ok`). */
  follows?: { jobId: number; ok: boolean }
}

export interface StepCounts {
  count: number
  byKind: Record<string, number>
}

/** The model: the jobs it made and what it expects of each. */
export interface FarmModel {
  jobs: ModelJob[]
  nextTag: number
  /** Steps run, over all sequences, in all and by what they did (the report counts them). */
  steps: StepCounts
}

export class ModelViolation extends Error {
  constructor(
    readonly check: CheckName | 'state' | 'transition' | 'history' | 'counters' | 'result' | 'control',
    message: string,
  ) {
    super(`[${check}] ${message}`)
  }
}

/** Fails with a violation, unless the named check is switched off (see job-rules.ts). */
export function violated(check: ModelViolation['check'], message: string): void {
  if (
    check in { state: 1, transition: 1, history: 1, counters: 1, result: 1, control: 1 } ||
    checkOn(check as CheckName)
  )
    throw new ModelViolation(check, message)
}

/** Checks the timeline entries not checked yet: every change legal, with a cause the model holds. */
export function checkTransitions(job: ModelJob, timeline: { state: JobState; note: string }[]): void {
  for (let i = Math.max(1, job.checked); i < timeline.length; i++) {
    const from = timeline[i - 1]!.state
    const to = timeline[i]!.state
    if (from === to) continue
    const relaxed = relaxedTransitions.find((r) => r.from.includes(from) && r.to === to && job.causes.includes(r.cause))
    if (relaxed) {
      violated(
        relaxed.check,
        `job ${job.id} (${job.plan.kind}) went ${from} → ${to} ("${timeline[i]!.note}") on a ${relaxed.cause}`,
      )
      continue // switched off: its cause stays for the transition that follows (running → cancelled)
    }
    const causes = legalTransitions[from][to]
    if (!causes)
      violated(
        'transition',
        `job ${job.id} (${job.plan.kind}) went ${from} → ${to} ("${timeline[i]!.note}"), which no rule allows`,
      )
    const free = causes!.filter((c) => c === 'auto' || (c === 'deadline' && job.plan.deadline))
    if (free.length) continue
    const at = job.causes.findIndex((c) => causes!.includes(c))
    if (at < 0)
      violated(
        'transition',
        `job ${job.id} (${job.plan.kind}) went ${from} → ${to} ("${timeline[i]!.note}") with none of ${causes!.join('/')} asked`,
      )
    job.causes.splice(at, 1)
  }
  job.checked = Math.max(job.checked, timeline.length)
}

/** Compares the job's state with what the model expects, and learns what the farm chose where it could. */
export function observe(job: ModelJob, state: JobState, now: number, graceMs: number): void {
  const e = job.expect
  const name = `job ${job.id} (${job.plan.kind})`
  const rests = isEnded(state) || state === 'interrupted' || (state === 'timed-out' && job.plan.deadline)
  switch (e.is) {
    case 'active':
      if (state === 'paused' || state === 'interrupted' || (state === 'timed-out' && !job.plan.deadline))
        violated('state', `${name} is ${state}, but nothing asked for that`)
      if (rests) job.expect = { is: 'resting', state, since: now }
      break
    case 'paused':
      if (state !== 'paused') violated('state', `${name} was paused and is now ${state}`)
      break
    case 'cancelling':
      if (state === 'cancelled') job.expect = { is: 'resting', state, since: now }
      else if (isEnded(state)) violated('state', `${name} was cancelled and ended ${state}`)
      else if (now - e.since > graceMs)
        violated(
          e.afterKill ? 'cancel-survives-kill' : 'cancel-ends',
          `${name} was cancelled ${now - e.since} ms ago${e.afterKill ? ', its owner killed -9 and opened again,' : ''} and is still ${state}`,
        )
      break
    case 'resting':
      if (state !== e.state) violated('state', `${name} rested ${e.state} and is now ${state} with no control sent`)
      break
  }
  job.lastState = state
}

/** A job that ended on its own must end as its units say: completed only when none failed. */
export function checkEnding(job: ModelJob, state: JobState, marks: Map<string, string>): void {
  // Cancelled and skipped jobs end by a control or by the jobs they follow, not by their units.
  if (!(endedStates as readonly string[]).includes(state) || state === 'cancelled' || state === 'skipped') return
  const failedMarks = [...marks.values()].filter((m) => m === 'f').length
  const pending = [...marks.values()].filter((m) => m === '-').length
  const name = `job ${job.id} (${job.plan.kind})`
  if (pending) violated('result', `${name} ended ${state} with ${pending} unit(s) never run`)
  if (state === 'completed' && failedMarks) violated('result', `${name} completed with ${failedMarks} failed unit(s)`)
  if (state !== 'completed' && job.plan.failing.length === 0)
    violated('result', `${name} ended ${state} though none of its units can fail`)
}
