import type { Command } from 'commander'
import { verifySpecFor } from '../../core/verify-job'
import type { CliContext } from '../cli-context'
import { commandAction } from '../exit-codes'
import { print } from '../output'
import { jobId, positiveInt } from '../parse-options'
import { runNewJob } from '../run-job'

/** Problems listed after a verify; the rest are in `task-farm show`. */
const LISTED = 50

/** `task-farm verify ID`: a job of its own that checks a copy's destination against its kept hashes. */
export function configureVerify(command: Command, cli: CliContext): void {
  command
    .argument('<id>', 'the copy job to verify', jobId)
    .option('--workers <n>', 'worker processes of the disk pool', positiveInt('--workers', 64))
    .option('--detach', 'print the job id and return; the farm runs the job (`task-farm wait ID` waits for it)')
    .option('--json', 'one JSON event per line')
    .action(
      commandAction(async (copyJob: number, o) => {
        const spec = await cli.withHistory((store) => verifySpecFor(store.db, copyJob))
        let verifyJob = 0
        const code = await runNewJob(
          cli,
          spec,
          {},
          { json: o.json, workers: o.workers, detach: o.detach, onCreated: (id) => void (verifyJob = id) },
        )
        if (verifyJob && !o.json && !o.detach) await reportProblems(cli, verifyJob)
        return code
      }),
    )
}

/** Names each changed, missing and extra file after the progress line. */
function reportProblems(cli: CliContext, jobId: number): Promise<void> {
  return cli.withHistory((store) => {
    const failed = store.items(jobId, { state: 'failed', limit: LISTED, offset: 0 })
    if (!failed.total) return print('Every file matches its hash.')
    print(`Problems (${failed.total}):`)
    for (const item of failed.items) {
      const code = (item.result as { code?: string } | null)?.code ?? 'failed'
      print(`  ${code.padEnd(8)} ${item.key}`)
    }
    if (failed.total > failed.items.length)
      print(`  … ${failed.total - failed.items.length} more: task-farm show ${jobId} --json`)
  })
}
