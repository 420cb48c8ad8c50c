import type { Command } from 'commander'
import { UserError } from '../../shared/user-error'
import { addAfterOptions, afterOption } from '../chain-options'
import type { CliContext } from '../cli-context'
import { commandAction } from '../exit-codes'
import { print } from '../output'
import { jobId } from '../parse-options'

/** `follow ID --after IDS [--after-ok IDS]`: a queued or waiting job waits for more jobs (a cycle is refused). */
export function configureFollow(command: Command, cli: CliContext): void {
  command.argument('<id>', 'job id', jobId).option('--json', 'print JSON')
  addAfterOptions(command)
  command.action(
    commandAction(async (id: number, o) => {
      const { after } = afterOption(o)
      if (after.length === 0)
        throw new UserError('Give the jobs to wait for: --after ID[,ID…] or --after-ok ID[,ID…].', 'bad-input')
      // The farm that owns the queue moves followers on: one is started in the background if none runs.
      const owner = (await cli.owner()) ?? (await cli.startOwner())
      await owner.call('jobs.follow', { jobId: id, after })
      const summary = await owner.call('jobs.get', { jobId: id })
      if (o.json) return print(JSON.stringify({ jobId: id, state: summary.state, after: summary.after ?? [] }))
      print(
        `Job ${id} is ${summary.state}${summary.after ? `: it follows ${summary.after.map((a) => a.jobId).join(', ')}` : ''}.`,
      )
    }),
  )
}
