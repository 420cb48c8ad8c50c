import type { Command } from 'commander'
import { InvalidArgumentError } from 'commander'
import { UserError } from '../../shared/user-error'
import type { CliContext } from '../cli-context'
import { attachToJob } from '../attach-job'
import { commandAction, exitCodeFor } from '../exit-codes'
import { jobId } from '../parse-options'
import { endLine } from '../progress-view'

/**
 * `wait ID [--timeout S]`: Pool's `get(timeout)`. Exits with the job's code once it ends, or 124 when
 * the timeout comes first (the job goes on). With no farm running, the job cannot go on: its state now is the answer.
 */
export function configureWait(command: Command, cli: CliContext): void {
  command
    .argument('<id>', 'job id', jobId)
    .option('--timeout <seconds>', 'give up after this many seconds (exit 124)', seconds)
    .option('--json', 'print the job at its end as JSON')
    .action(
      commandAction(async (id: number, o: { timeout?: number; json?: boolean }) => {
        const owner = await cli.owner()
        if (owner)
          return attachToJob(owner, id, {
            quiet: true,
            json: o.json,
            timeoutMs: o.timeout === undefined ? undefined : o.timeout * 1000,
          })
        const { jobSummary } = await import('../../core/job-views')
        const job = await cli.withHistory((store) => {
          const row = store.job(id)
          if (!row) throw new UserError(`There is no job ${id}.`, 'no-such-job')
          return jobSummary({ ...row, state: cli.shownState(row.state) }, undefined)
        })
        process.stdout.write(o.json ? `${JSON.stringify({ event: 'end', ...job })}\n` : `${endLine(job)}\n`)
        return exitCodeFor(job.state, job.errorCode)
      }),
    )
}

function seconds(value: string): number {
  const n = Number(value)
  if (!Number.isFinite(n) || n < 0 || n > 31_536_000)
    throw new InvalidArgumentError('--timeout must be a number of seconds from 0 to 31536000.')
  return n
}
