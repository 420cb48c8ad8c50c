import { stringify } from 'csv-stringify'
import type { Command } from 'commander'
import { createWriteStream } from 'node:fs'
import { once } from 'node:events'
import { finished } from 'node:stream/promises'
import { extname, resolve } from 'node:path'
import { jobSpecSchema } from '../../shared/job-spec'
import { UserError } from '../../shared/user-error'
import { hooksFor } from '../../core/kinds'
import type { JobStore } from '../../core/store/job-store'
import type { CliContext } from '../cli-context'
import { jobId } from '../parse-options'

const PAGE = 5000

/** `task-farm export ID --out FILE`: a job's result rows as CSV or JSON (by the file's extension). */
export function registerExportCommand(program: Command, cli: CliContext): void {
  program
    .command('export')
    .description('write the result rows of a job to a CSV or JSON file (by its extension)')
    .argument('<id>', 'job id', jobId)
    .requiredOption('--out <file>', 'results.csv or results.json')
    .action(async (id: number, o) => {
      const store = cli.openReadOnly()
      try {
        const { path, rows } = await exportJob(store, id, o.out)
        process.stdout.write(`Wrote ${rows} rows to ${path}\n`)
      } finally {
        store.db.close()
      }
    })
}

export function exportFormat(file: string): 'csv' | 'json' {
  const ext = extname(file).toLowerCase()
  if (ext === '.json') return 'json'
  if (ext === '.csv') return 'csv'
  throw new UserError(`Give the export file a .csv or .json name (not "${file}").`, 'bad-export-path')
}

/** Streams every item of a job through its kind's export columns into `file`, a page at a time. */
export async function exportJob(store: JobStore, id: number, file: string): Promise<{ path: string; rows: number }> {
  const format = exportFormat(file)
  const job = store.job(id)
  if (!job) throw new UserError(`There is no job ${id}.`, 'no-such-job')
  const hooks = hooksFor(jobSpecSchema.parse(JSON.parse(job.spec)))
  const columns = hooks.exportRows?.columns ?? ['key', 'state', 'error', 'result']
  const toRow = hooks.exportRows?.row ?? ((item) => ({ key: item.key, state: item.state, error: item.error, result: JSON.stringify(item.result) }))
  const path = resolve(file)
  const out = createWriteStream(path)
  const opened = once(out, 'open').catch((error: Error) => {
    throw new UserError(`Cannot write ${path}: ${error.message}`, 'export-unwritable')
  })
  await opened
  const csv = format === 'csv' ? stringify({ header: true, columns: [...columns], cast: { boolean: (b) => String(b) } }) : null
  csv?.pipe(out)
  const write = async (text: string | Record<string, unknown>): Promise<void> => {
    const target = csv ?? out
    if (!target.write(text)) await once(target, 'drain')
  }
  if (!csv) await write('[')
  let rows = 0
  for (let offset = 0; ; offset += PAGE) {
    const { items } = store.items(id, { limit: PAGE, offset })
    for (const item of items) {
      const row = toRow(item)
      await write(csv ? row : `${rows === 0 ? '\n' : ',\n'}${JSON.stringify(row)}`)
      rows++
    }
    if (items.length < PAGE) break
  }
  if (csv) csv.end()
  else out.end(rows ? '\n]\n' : ']\n')
  await finished(out)
  return { path, rows }
}
