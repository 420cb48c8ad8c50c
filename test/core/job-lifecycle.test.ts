import { describe, expect, it } from 'vitest'
import { endedStates, hasEnded, isFinished, jobStates } from '../../src/shared/job-state'
import {
  isStopping,
  jobEvents,
  nextPhase,
  refusal,
  shownState,
  stoppingStates,
  transition,
  type JobEvent,
  type LifeState,
} from '../../src/core/job-transitions'

const lifeStates: LifeState[] = [...jobStates, ...stoppingStates]

/**
 * The expected table, written apart from the code: a row per state, `event>state` for each allowed
 * pair; every pair not listed must be refused. Effects are checked by the invariants below.
 */
const expected: Record<LifeState, string> = {
  waiting: 'release>queued skip>skipped cancel>cancelled',
  queued: 'start>running pause>paused cancel>cancelled interrupt>interrupted wait>waiting',
  running:
    'pause>paused cancel>cancelling interrupt>interrupting refuse>refusing deadline>timing-out halt>halting ' +
    'halt-now>halting done>completed done-with-errors>completed-with-errors fail>failed ' +
    'farm-stopped>interrupting recovered>interrupted',
  paused:
    'resume>running cancel>cancelling interrupt>interrupting refuse>refusing done>completed ' +
    'done-with-errors>completed-with-errors fail>failed farm-stopped>paused',
  interrupted: 'resume>running retry>running cancel>cancelling',
  'timed-out': 'resume>running retry>running cancel>cancelling',
  completed: 'retry>running',
  'completed-with-errors': 'retry>running',
  failed: 'retry>running',
  cancelled: 'retry>running',
  skipped: 'retry>running',
  cancelling: 'stopped>cancelled fail>failed farm-stopped>interrupting',
  refusing: 'stopped>failed fail>failed farm-stopped>interrupting',
  interrupting: 'cancel>cancelling stopped>interrupted fail>failed farm-stopped>interrupting',
  'timing-out': 'cancel>cancelling stopped>timed-out fail>failed farm-stopped>timing-out',
  halting: 'cancel>cancelling stopped>failed fail>failed farm-stopped>halting',
}

const allowed = (state: LifeState): Map<string, string> =>
  new Map(expected[state].split(' ').map((pair) => pair.split('>') as [string, string]))

describe("a job's transition table", () => {
  for (const state of lifeStates) {
    for (const event of jobEvents) {
      const want = allowed(state).get(event)
      it(`${state} × ${event} → ${want ?? 'refused'}`, () => {
        const rule = transition(state, event)
        expect(rule?.to ?? null).toBe(want ?? null)
        if (!rule) {
          const message = refusal(7, state, event)
          // One sentence that names the job.
          expect(message).toMatch(/^Job 7 [^.]*\.$|^Job 7 has ended \([^)]+\); [^.]*\.$/)
        }
      })
    }
  }

  it('ends a job (the "end" effect) exactly when it reaches an ended state', () => {
    for (const state of lifeStates)
      for (const event of jobEvents) {
        const rule = transition(state, event)
        if (!rule) continue
        const ends = !isStopping(rule.to) && hasEnded(rule.to)
        expect(rule.effects.includes('end'), `${state} × ${event}`).toBe(ends)
      }
  })

  it('gives a job with no active run one before it runs or stops again', () => {
    const idle: LifeState[] = [...endedStates, 'queued']
    for (const state of idle)
      for (const event of jobEvents) {
        const rule = transition(state, event)
        if (rule && (rule.to === 'running' || isStopping(rule.to)))
          expect(rule.effects, `${state} × ${event}`).toContain('activate')
      }
  })

  it('cleans up after every cancel of a job that ever ran, and aborts its tasks first', () => {
    for (const state of lifeStates) {
      const rule = transition(state, 'cancel')
      if (!rule || state === 'queued' || state === 'waiting') continue
      expect(rule.to).toBe('cancelling')
      expect(rule.effects).toEqual(expect.arrayContaining(['abort', 'cleanup']))
    }
  })

  it('records every cancel that stops a job in the history first, so that a kill -9 cannot lose it', () => {
    for (const state of lifeStates) {
      const rule = transition(state, 'cancel')
      if (!rule || rule.to !== 'cancelling') continue
      expect(rule.effects[0], `${state} × cancel`).toBe('owe-cancel')
    }
    // No other event owes a cancel.
    for (const state of lifeStates)
      for (const event of jobEvents.filter((e) => e !== 'cancel'))
        expect(transition(state, event)?.effects ?? [], `${state} × ${event}`).not.toContain('owe-cancel')
  })

  it('never shows a job running while it stops, a cancel of an ended job included', () => {
    for (const life of stoppingStates)
      for (const before of jobStates) {
        if (before === 'running') continue
        expect(shownState(life, before), `${life} after ${before}`).toBe(before)
      }
    expect(shownState('cancelling', 'interrupted')).toBe('interrupted')
    expect(shownState('cancelling', 'timed-out')).toBe('timed-out')
  })

  it('lets every stop end, and never leaves a job running when the farm stops', () => {
    for (const state of stoppingStates) expect(hasEnded(transition(state, 'stopped')!.to as never)).toBe(true)
    for (const state of lifeStates) {
      const rule = transition(state, 'farm-stopped')
      if (rule) expect(rule.to).not.toBe('running')
    }
  })

  it('says what "ended" and "finished" mean', () => {
    // Ended: every state but the three a job can still move on from by itself or by a resume.
    expect(jobStates.filter((s) => !hasEnded(s))).toEqual(['waiting', 'queued', 'running', 'paused'])
    expect(isFinished('skipped')).toBe(true)
    expect(hasEnded('waiting')).toBe(false)
    expect(endedStates.filter((s) => !isFinished(s))).toEqual(['interrupted', 'timed-out'])
    expect(hasEnded('timed-out')).toBe(true)
    expect(isFinished('timed-out')).toBe(false)
    expect(hasEnded('paused')).toBe(false)
    expect(hasEnded('queued')).toBe(false)
  })

  it('refuses with sentences a person can act on', () => {
    const cases: [LifeState, JobEvent, RegExp][] = [
      ['timed-out', 'interrupt', /^Job 7 is timed-out: only a running, paused or queued job can be interrupted\.$/],
      ['completed', 'pause', /only a running or queued job can be paused/],
      ['completed-with-errors', 'resume', /has ended \(completed-with-errors\); use retry/],
      ['queued', 'retry', /^Job 7 has not run yet\.$/],
      ['running', 'retry', /still active/],
      ['cancelling', 'cancel', /^Job 7 is already being cancelled\.$/],
      ['paused', 'pause', /^Job 7 is already paused\.$/],
      ['running', 'resume', /^Job 7 is already running\.$/],
      ['interrupting', 'pause', /^Job 7 is stopping to end as interrupted: only a running or queued job/],
    ]
    for (const [state, event, message] of cases) expect(refusal(7, state, event)).toMatch(message)
  })
})

describe("a job's phase", () => {
  it('clears a plan when it goes out and plans again when its worker dies', () => {
    expect(nextPhase('plan', 'plan-sent', false)).toBe(null)
    expect(nextPhase(null, 'plan-lost', false)).toBe('plan')
    expect(nextPhase('cleanup-cancel', 'plan-lost', false)).toBe('cleanup-cancel')
  })

  it("ends a clean-up once, and plans after a resume's clean-up when the job was never planned", () => {
    expect(nextPhase('cleanup-resume', 'cleanup-ended', true)).toBe(null)
    expect(nextPhase('cleanup-resume', 'cleanup-ended', false)).toBe('plan')
    expect(nextPhase('cleanup-cancel', 'cleanup-ended', false)).toBe(null)
    expect(nextPhase(null, 'cleanup-ended', true)).toBe(null)
  })
})
