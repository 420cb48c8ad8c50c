import type { Command } from 'commander'
import { exportFormat, exportJob } from '../../core/export-job'
import type { CliContext } from '../cli-context'
import { commandAction } from '../exit-codes'
import { print } from '../output'
import { jobId } from '../parse-options'

/** `task-farm export ID --out FILE`: a job's result rows as CSV or JSON (by the file's extension). */
export function configureExport(command: Command, cli: CliContext): void {
  command
    .argument('<id>', 'job id', jobId)
    .requiredOption('--out <file>', 'results.csv or results.json')
    .option('--force', 'replace the file even when it is not an earlier export of this job')
    .action(
      commandAction(async (id: number, o) => {
        const { path, rows } = await cli.withHistory((store) =>
          exportJob(store, id, exportFormat(o.out), o.out, { overwrite: o.force }),
        )
        print(`Wrote ${rows} rows to ${path}`)
      }),
    )
}
