import type { Command } from 'commander'
import type { ScheduleInfo } from '../../shared/schedules'
import { InvalidArgumentError } from 'commander'
import { UserError } from '../../shared/user-error'
import type { CliContext } from '../cli-context'
import { commandAction } from '../exit-codes'
import { print, printJson, report, table } from '../output'
import { oneOf } from '../parse-options'

const actions = ['pause', 'resume', 'remove'] as const
type ScheduleAction = (typeof actions)[number]
const done: Record<ScheduleAction, string> = { pause: 'Paused', resume: 'Resumed', remove: 'Removed' }

/** `schedules`: the jobs the owning farm starts on time; `schedules pause|resume|remove ID`. */
export function configureSchedules(command: Command, cli: CliContext): void {
  command
    .usage('[options] [pause|resume|remove ID]')
    .argument('[action]', actions.join('|'), oneOf('action', actions))
    .argument('[id]', 'schedule id', scheduleId)
    .option('--json', 'print JSON')
    .action(
      commandAction(async (action: ScheduleAction | undefined, id: number | undefined, o) => {
        if (!action) return showSchedules(cli, o.json)
        if (id === undefined) throw new UserError(`Say which schedule to ${action}: task-farm schedules ${action} ID.`)
        await cli.call(`schedules.${action}`, { scheduleId: id })
        report(o.json, `${done[action]} schedule ${id}.`, { scheduleId: id, action, ok: true })
      }),
    )
}

async function showSchedules(cli: CliContext, json: boolean | undefined): Promise<void> {
  const { schedules } = await cli.call('schedules.list', {})
  if (json) return printJson(schedules)
  if (!schedules.length) return print('No schedules. Make one with --every or --at on a job command.')
  const rows = schedules.map((s) => [
    String(s.id),
    ruleText(s),
    s.paused ? 'paused' : s.nextRunAt === null ? 'done' : new Date(s.nextRunAt).toLocaleString(),
    String(s.runs),
    s.lastJobId === null ? '-' : String(s.lastJobId),
    s.title,
  ])
  print(table([['ID', 'RULE', 'NEXT RUN', 'RUNS', 'LAST JOB', 'JOB'], ...rows]))
}

function ruleText(s: ScheduleInfo): string {
  const parts: string[] = []
  if (s.rule.every) parts.push(`every ${s.rule.every}`)
  if (s.rule.at !== undefined) parts.push(`at ${new Date(s.rule.at).toLocaleString()}`)
  if (s.rule.missed === 'skip') parts.push('(missed: skip)')
  return parts.join(' ')
}

function scheduleId(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`"${value}" is not a schedule id (a whole number such as 3).`)
  return n
}
