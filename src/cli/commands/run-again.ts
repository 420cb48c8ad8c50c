import type { Command } from 'commander'
import type { CliContext } from '../cli-context'
import { commandAction } from '../exit-codes'
import { jobId, positiveInt } from '../parse-options'
import { runExistingJob } from '../run-job'

/** `resume ID` and `retry ID`: run a job from the history again (in the running farm, or here) and follow it to its end. */
function configureRunAgain(action: 'resume' | 'retry'): (command: Command, cli: CliContext) => void {
  return (command, cli) =>
    command
      .argument('<id>', 'job id', jobId)
      .option(
        '--workers <n>',
        'worker processes (when this command runs the farm itself)',
        positiveInt('--workers', 64),
      )
      .option('--detach', 'return at once; the farm runs the job (`task-farm wait ID` waits for it)')
      .option('--json', 'one JSON event per line')
      .action(
        commandAction((id: number, o) =>
          runExistingJob(cli, id, action, { json: o.json, workers: o.workers, detach: o.detach }),
        ),
      )
}

export const configureResume = configureRunAgain('resume')
export const configureRetry = configureRunAgain('retry')
