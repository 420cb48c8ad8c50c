import { InvalidArgumentError } from 'commander'
import { exportFormat, exportJob } from '../../core/export-job'
import type { CliContext } from '../cli-context'

/** Commander check of `--out`: a .csv or .json name. */
export function exportOption(value: string): string {
  try {
    exportFormat(value)
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message)
  }
  return value
}

/** Writes the results of the job a command ran, even when some units failed. */
export async function exportResults(
  cli: CliContext,
  jobId: number,
  out: string,
  json: boolean | undefined,
  force?: boolean,
): Promise<void> {
  const written = await cli.withHistory((store) =>
    exportJob(store, jobId, exportFormat(out), out, { overwrite: force }),
  )
  const message = `Wrote ${written.rows} rows to ${written.path}`
  process.stdout.write(json ? `${JSON.stringify({ event: 'export', jobId, ...written })}\n` : `${message}\n`)
}
