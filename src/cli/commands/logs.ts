import type { Command } from 'commander'
import { isFinished, logLevels } from '../../shared/job-state'
import { UserError } from '../../shared/user-error'
import type { LogEntry } from '../../shared/api-types'
import type { CliContext } from '../cli-context'
import { jobId } from '../parse-options'
import { oneOf } from './history'

/** `logs ID [--follow]`: a job's log from the history; follows a job another farm is running. */
export function registerLogsCommand(program: Command, cli: CliContext): void {
  program
    .command('logs')
    .description("print a job's log")
    .argument('<id>', 'job id', jobId)
    .option('-f, --follow', 'keep printing new lines until the job ends')
    .option('--level <level>', `lowest level shown (${logLevels.join(', ')})`, oneOf('--level', logLevels), 'debug')
    .option('--json', 'one JSON object per line')
    .action(async (id: number, o) => {
      const store = cli.openReadOnly()
      if (!store.job(id)) throw new UserError(`There is no job ${id}.`, 'no-such-job')
      let afterId = 0
      const show = (entry: LogEntry): void => {
        afterId = entry.id
        const line = o.json ? JSON.stringify(entry) : `${new Date(entry.at).toISOString()} ${entry.level.padEnd(5)} [${entry.source}] ${entry.message}`
        process.stdout.write(`${line}\n`)
      }
      const drain = (): void => {
        for (;;) {
          const batch = store.logs({ jobId: id, afterId, minLevel: o.level, limit: 1000 })
          batch.forEach(show)
          if (batch.length < 1000) return
        }
      }
      drain()
      if (!o.follow) return
      // The farm writing this job may be another process: poll the history, which WAL lets us read freely.
      while (!isFinished(store.job(id)?.state ?? 'completed')) {
        await new Promise((r) => setTimeout(r, 300))
        drain()
      }
      drain()
    })
}
