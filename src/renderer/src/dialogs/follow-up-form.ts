import type { JobEndActions } from '../../../shared/job-end-actions'
import { parseInterval, type ScheduleRule } from '../../../shared/schedules'

/** What a job dialog says about when the job starts and what happens when it ends. */
export interface FollowUpForm {
  start: 'now' | 'at' | 'every'
  /** A `datetime-local` value (this window's zone). */
  at: string
  /** An interval (10m, 1h) or a cron expression. */
  every: string
  missed: ScheduleRule['missed']
  notify: boolean
  run: string
}

export const emptyFollowUps = (): FollowUpForm => ({
  start: 'now',
  at: '',
  every: '1h',
  missed: 'once',
  notify: false,
  run: '',
})

/** The schedule the form asks for; null to start now. A problem is one sentence for the field. */
export function ruleFrom(form: FollowUpForm): { rule: ScheduleRule | null; problem?: string } {
  if (form.start === 'now') return { rule: null }
  if (form.start === 'at') {
    const at = Date.parse(form.at)
    if (Number.isNaN(at)) return { rule: null, problem: 'Pick a day and a time.' }
    return { rule: { at, missed: form.missed } }
  }
  const every = form.every.trim()
  // A cron expression is checked by the farm (its answer is shown); an interval here at once.
  if (!every) return { rule: null, problem: 'Write an interval (10m, 1h, 1d) or a cron expression.' }
  if (/^[\d.]+\s*[a-z]*$/i.test(every) && parseInterval(every) === null)
    return { rule: null, problem: 'An interval is a number and s, m, h or d (10m, 1h).' }
  return { rule: { every, missed: form.missed } }
}

export function endActionsFrom(form: FollowUpForm): JobEndActions | undefined {
  const run = form.run.trim()
  if (!form.notify && !run) return undefined
  return { notify: form.notify, run: run || undefined }
}
