import type { Command } from 'commander'
import type { CliContext } from '../cli-context'
import { commandAction } from '../exit-codes'
import { outputAgain } from '../job-output'
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
      .option('--keep-order', 'a run job: show the units that finish in input order, as `run --keep-order`')
      .action(
        commandAction(async (id: number, o) => {
          // A `run` or `map` job prints what its own command printed: the output of the commands run
          // now (GNU parallel's --resume), or the map's whole list of results.
          const kind = o.detach ? undefined : await cli.withHistory((store) => store.job(id)?.kind)
          const units = outputAgain(cli, kind, { json: o.json ?? false, keepOrder: o.keepOrder ?? false })
          try {
            return await runExistingJob(cli, id, action, {
              json: o.json,
              workers: o.workers,
              detach: o.detach,
              ...(units && {
                statusOnStderr: true,
                // A retry runs the failed units again: their new outcome is shown, the rest is not.
                beforeAgain: (job) => units.passOver(job, (state) => action === 'retry' && state === 'failed'),
                onCreated: (job, events) => units.start(job, events),
                beforeEnd: () => units.stop(),
              }),
            })
          } finally {
            units?.stop()
          }
        }),
      )
}

export const configureResume = configureRunAgain('resume')
export const configureRetry = configureRunAgain('retry')
