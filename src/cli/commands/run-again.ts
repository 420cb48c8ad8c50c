import type { Command } from 'commander'
import type { CliContext } from '../cli-context'
import { jobId, positiveInt } from '../parse-options'
import { runExistingJob } from '../run-job'

/** `resume ID` and `retry ID`: run a job from the history again, in the foreground, to its end. */
export function registerRunAgainCommands(program: Command, cli: CliContext, exit: (code: number) => void): void {
  for (const [name, description] of [
    ['resume', 'go on with a paused or interrupted job: only its unfinished items run'],
    ['retry', 'run only the failed items of an ended job again'],
  ] as const) {
    program
      .command(name)
      .description(description)
      .argument('<id>', 'job id', jobId)
      .option('--workers <n>', 'worker processes', positiveInt('--workers', 64))
      .option('--json', 'one JSON event per line')
      .action(async (id: number, o) => exit(await runExistingJob(cli, id, name, { json: o.json, workers: o.workers })))
  }
}
