import type { Command } from 'commander'
import { resolve } from 'node:path'
import type { JobEndActions } from '../shared/job-end-actions'
import { missedRunPolicies, type ScheduleRule } from '../shared/schedules'
import { UserError } from '../shared/user-error'
import { oneOf } from './parse-options'

/** The raw values of the options every job command shares for schedules and end actions. */
export interface FollowUpFlags {
  at?: string
  every?: string
  missed?: ScheduleRule['missed']
  thenNotify?: boolean
  thenRun?: string
}

/** `--at`, `--every`, `--missed`, `--then-notify`, `--then-run` on a job command. */
export function addFollowUpOptions(command: Command): Command {
  return command
    .option('--at <time>', 'start the job at TIME (ISO, or HH:MM today or tomorrow) instead of now')
    .option('--every <rule>', 'start it again every INTERVAL (2s, 10m, 1h, 1d) or by a cron expression ("0 2 * * *")')
    .option(
      '--missed <policy>',
      'runs missed while no farm ran: once (one run at start, the default) or skip',
      oneOf('--missed', missedRunPolicies),
    )
    .option('--then-notify', 'when the job ends, notify (tray and toast of the window)')
    .option(
      '--then-run <cmd>',
      'when the job ends, run CMD through the shell (TASK_FARM_JOB_ID, _STATE, _DONE, _FAILED, _TOTAL set)',
    )
}

/** The schedule asked for, if any (`--at` is read by this machine's clock and zone). */
export async function scheduleRule(flags: FollowUpFlags): Promise<ScheduleRule | null> {
  if (flags.at === undefined && flags.every === undefined) {
    if (flags.missed) throw new UserError('--missed goes with --at or --every.', 'bad-schedule')
    return null
  }
  const { parseAt } = await import('../core/schedule-rule')
  return {
    at: flags.at === undefined ? undefined : parseAt(flags.at, Date.now()),
    every: flags.every,
    missed: flags.missed ?? 'once',
  }
}

/** What the job does when it ends; the command runs in this terminal's folder. */
export function endActions(flags: FollowUpFlags): JobEndActions | undefined {
  if (!flags.thenNotify && flags.thenRun === undefined) return undefined
  if (flags.thenRun !== undefined && !flags.thenRun.trim())
    throw new UserError('--then-run needs a command.', 'bad-then')
  return { notify: flags.thenNotify ?? false, run: flags.thenRun, cwd: flags.thenRun ? resolve('.') : undefined }
}
