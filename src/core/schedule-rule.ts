import { Cron } from 'croner'
import { parseInterval, type ScheduleRule } from '../shared/schedules'
import { UserError } from '../shared/user-error'

/** The shortest interval a schedule may have: a farm tick is far shorter, a person's intent never is. */
const minIntervalMs = 1000

/** Checks a rule and returns when its first run is due (`at`, else the first `every` after `now`). */
export function firstRun(rule: ScheduleRule, now: number): number {
  if (rule.at === undefined && rule.every === undefined)
    throw new UserError('A schedule needs --at TIME, --every INTERVAL|CRON, or both.', 'bad-schedule')
  if (rule.every !== undefined) checkEvery(rule.every)
  if (rule.at !== undefined) {
    if (rule.at < now - 60_000 && rule.every === undefined)
      throw new UserError('The time given with --at has passed: give a time to come.', 'bad-schedule')
    return Math.max(rule.at, now)
  }
  return nextRun(rule, now)!
}

/** The run after `from` (strictly later), or null when the rule has no more (a one-off). */
export function nextRun(rule: ScheduleRule, from: number): number | null {
  if (rule.every === undefined) return null
  const interval = parseInterval(rule.every)
  if (interval !== null) return from + interval
  return cron(rule.every).nextRun(new Date(from))?.getTime() ?? null
}

function checkEvery(every: string): void {
  const interval = parseInterval(every)
  if (interval !== null) {
    if (interval < minIntervalMs)
      throw new UserError(`--every ${every} is too short: a schedule runs at most once a second.`, 'bad-schedule')
    return
  }
  if (cron(every).nextRun() === null)
    throw new UserError(`The cron expression "${every}" never runs again.`, 'bad-schedule')
}

function cron(expression: string): Cron {
  try {
    return new Cron(expression, { paused: true })
  } catch (error) {
    const reason = (error as Error).message.replace(/^CronPattern: /, '')
    throw new UserError(
      `"${expression}" is neither an interval (2s, 10m, 1h, 1d) nor a cron expression (${reason}).`,
      'bad-schedule',
    )
  }
}

/**
 * `--at`: an ISO time (`2026-12-05T02:00`, with a zone or local) or `HH:MM` (today, or tomorrow when
 * that has passed), in epoch ms.
 */
export function parseAt(text: string, now: number): number {
  const clock = /^(\d{1,2}):(\d{2})$/.exec(text.trim())
  if (clock) {
    const [hours, minutes] = [Number(clock[1]), Number(clock[2])]
    if (hours > 23 || minutes > 59) throw new UserError(`--at ${text} is not a time of day (HH:MM).`, 'bad-schedule')
    const at = new Date(now)
    at.setHours(hours, minutes, 0, 0)
    if (at.getTime() <= now) at.setDate(at.getDate() + 1)
    return at.getTime()
  }
  const at = /^\d{4}-\d{2}-\d{2}/.test(text.trim()) ? Date.parse(text.trim()) : NaN
  if (Number.isNaN(at))
    throw new UserError(`--at takes an ISO time (2026-12-05T02:00) or HH:MM, not "${text}".`, 'bad-schedule')
  return at
}
