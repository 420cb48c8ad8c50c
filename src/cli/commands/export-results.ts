import { InvalidArgumentError } from 'commander'
import { exportFormat } from '../../core/export-target'
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
  // Loaded when a job ends with `--out` only: the CSV writer is not on the way to a job's first unit.
  const { exportJob } = await import('../../core/export-job')
  const written = await cli.withHistory((store) =>
    exportJob(store, jobId, exportFormat(out), out, { overwrite: force }),
  )
  const message = `Wrote ${written.rows} rows to ${written.path}`
  process.stdout.write(json ? `${JSON.stringify({ event: 'export', jobId, ...written })}\n` : `${message}\n`)
}
