import type { Command } from 'commander'
import { hasEnded, logLevels } from '../../shared/job-state'
import { UserError } from '../../shared/user-error'
import { FarmLock } from '../../core/store/farm-lock'
import type { LogEntry } from '../../shared/api-types'
import type { CliContext } from '../cli-context'
import { commandAction } from '../exit-codes'
import { jobId, oneOf } from '../parse-options'

/** `logs ID [--follow]`: a job's log from the history; follows a job another farm is running. */
export function configureLogs(command: Command, cli: CliContext): void {
  command
    .argument('<id>', 'job id', jobId)
    .option('-f, --follow', 'keep printing new lines until the job ends')
    .option('--level <level>', `lowest level shown (${logLevels.join(', ')})`, oneOf('--level', logLevels), 'debug')
    .option('--json', 'one JSON object per line')
    .action(
      commandAction((id: number, o) =>
        cli.withHistory(async (store) => {
          if (!store.job(id)) throw new UserError(`There is no job ${id}.`, 'no-such-job')
          let afterId = 0
          const show = (entry: LogEntry): void => {
            afterId = entry.id
            const line = o.json
              ? JSON.stringify(entry)
              : `${new Date(entry.at).toISOString()} ${entry.level.padEnd(5)} [${entry.source}] ${entry.message}`
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
          // It ends with the job, or when no farm is left to run it.
          const goesOn = (): boolean => !hasEnded(store.job(id)?.state ?? 'completed') && FarmLock.isHeld(cli.dbPath)
          while (goesOn()) {
            await new Promise((r) => setTimeout(r, 300))
            drain()
          }
          drain()
        }),
      ),
    )
}
