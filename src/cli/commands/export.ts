import type { Command } from 'commander'
import { exportFormat, exportJob } from '../../core/export-job'
import type { CliContext } from '../cli-context'
import { jobId } from '../parse-options'

/** `task-farm export ID --out FILE`: a job's result rows as CSV or JSON (by the file's extension). */
export function registerExportCommand(program: Command, cli: CliContext): void {
  program
    .command('export')
    .description('write the result rows of a job to a CSV or JSON file (by its extension)')
    .argument('<id>', 'job id', jobId)
    .requiredOption('--out <file>', 'results.csv or results.json')
    .option('--force', 'replace the file even when it is not an earlier export of this job')
    .action(async (id: number, o) => {
      const store = cli.openReadOnly()
      try {
        const { path, rows } = await exportJob(store, id, exportFormat(o.out), o.out, { overwrite: o.force })
        process.stdout.write(`Wrote ${rows} rows to ${path}\n`)
      } finally {
        store.db.close()
      }
    })
}

