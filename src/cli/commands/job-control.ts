import type { Command } from 'commander'
import type { ApiChannel } from '../../shared/api'
import type { CliContext } from '../cli-context'
import { attachToJob } from '../attach-job'
import { commandAction, exitCodes } from '../exit-codes'
import { report } from '../output'
import { integer, jobId } from '../parse-options'

type JobChannel = Extract<ApiChannel, 'jobs.pause' | 'jobs.remove' | 'jobs.cancel'>

/** `pause ID`, `remove ID`: one call, to the running farm or on the history. */
function configureJobCall(channel: JobChannel, done: string): (command: Command, cli: CliContext) => void {
  return (command, cli) =>
    command
      .argument('<id>', 'job id', jobId)
      .option('--json', 'print JSON')
      .action(
        commandAction(async (id: number, o) => {
          await cli.call(channel, { jobId: id })
          report(o.json, `${done} job ${id}.`, { jobId: id, ok: true })
        }),
      )
}

export const configurePause = configureJobCall('jobs.pause', 'Paused')
export const configureRemove = configureJobCall('jobs.remove', 'Removed')

/** `cancel ID`: asks the farm to cancel, and waits for the job's end (its workers stop and clean up). */
export function configureCancel(command: Command, cli: CliContext): void {
  command
    .argument('<id>', 'job id', jobId)
    .option('--no-wait', 'return once the cancel is asked, before the workers have stopped')
    .option('--json', 'print JSON')
    .action(
      commandAction(async (id: number, o) => {
        const owner = await cli.owner()
        // With no farm running, this command's farm does the cancel's clean-up before it closes.
        if (!owner) return cancelHere(cli, id, o.json)
        await cli.call('jobs.cancel', { jobId: id })
        if (o.wait) {
          const code = await attachToJob(owner, id, { quiet: true, json: o.json, codeFor: () => exitCodes.ok })
          if (code !== exitCodes.ok) return code
          return
        }
        report(o.json, `Cancelled job ${id}.`, { jobId: id, ok: true })
      }),
    )
}

async function cancelHere(cli: CliContext, id: number, json: boolean | undefined): Promise<void> {
  const farm = await cli.openFarm()
  try {
    farm.cancel(id)
    await farm.waitForEnd(id)
  } finally {
    await farm.shutdown('graceful')
  }
  report(json, `Cancelled job ${id}.`, { jobId: id, ok: true })
}

/** `priority ID N`: higher runs first among the queued jobs of a pool. */
export function configurePriority(command: Command, cli: CliContext): void {
  command
    .argument('<id>', 'job id', jobId)
    .argument('<priority>', 'from -100 to 100 (0 is the default)', integer('priority', -100, 100))
    .option('--json', 'print JSON')
    .action(
      commandAction(async (id: number, priority: number, o) => {
        await cli.call('jobs.priority', { jobId: id, priority })
        report(o.json, `Job ${id} now has priority ${priority}.`, { jobId: id, priority })
      }),
    )
}
