import { stringify } from 'csv-stringify'
import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { ItemRow } from '../shared/api-types'
import { jobSpecSchema } from '../shared/job-spec'
import { UserError } from '../shared/user-error'
import { checkExportTarget, ExportLedger, unwritable } from './export-target'
export { exportFormat } from './export-target'
import { renameRetrying } from './rename-retrying'
import { hooksFor } from './kinds'
import type { JobStore } from './store/job-store'

const PAGE = 5000

export interface ExportOptions {
  /** Replace an existing file that is not an earlier export of this job (`--force`, a save dialog that asked). */
  overwrite?: boolean
}

/**
 * Writes a job's rows through its kind's export columns to CSV or JSON, a page at a time from SQLite
 * (never the whole job in memory), under a temporary name renamed into place at the end: a failed
 * export leaves no half file. Kinds without a table export their items as key, state, error, result.
 */
export async function exportJob(
  store: JobStore,
  jobId: number,
  format: 'csv' | 'json',
  file: string,
  options: ExportOptions = {},
): Promise<{ path: string; rows: number }> {
  const job = store.job(jobId)
  if (!job) throw new UserError(`There is no job ${jobId}.`, 'no-such-job')
  const ledger = ExportLedger.beside(store.db.name)
  const path = checkExportTarget(file, format, jobId, ledger, options.overwrite ?? false)
  const spec = jobSpecSchema.parse(JSON.parse(job.spec))
  const hooks = hooksFor(spec)
  const columns = hooks.exportRows?.columnsFor?.(spec) ??
    hooks.exportRows?.columns ?? ['key', 'state', 'error', 'result']
  const kindRow = hooks.exportRows?.row
  const toRow = kindRow
    ? (item: ItemRow) => kindRow(item, spec)
    : (item: ItemRow) => ({ key: item.key, state: item.state, error: item.error, result: JSON.stringify(item.result) })
  async function* rows(): AsyncGenerator<Record<string, unknown>> {
    for (let afterId = 0; ;) {
      const items = store.itemsAfter(jobId, afterId, PAGE)
      for (const item of items) yield toRow(item)
      if (items.length < PAGE) break
      afterId = items.at(-1)!.id
    }
  }
  const written = await writeRows(path, format, columns, rows())
  ledger?.record(path, jobId)
  return { path, rows: written }
}

/**
 * Writes rows to CSV or JSON under a temporary name renamed into place at the end: a failed export
 * leaves no half file. Rows are pulled one at a time (never the whole export in memory).
 */
export async function writeRows(
  path: string,
  format: 'csv' | 'json',
  columns: readonly string[],
  source: AsyncIterable<Record<string, unknown>> | Iterable<Record<string, unknown>>,
): Promise<number> {
  const temp = join(dirname(path), `.${basename(path)}.taskfarm-export-${process.pid}.part`)
  const out = createWriteStream(temp)
  try {
    await once(out, 'open')
  } catch (error) {
    throw unwritable(path, error)
  }
  try {
    const csv =
      format === 'csv' ? stringify({ header: true, columns: [...columns], cast: { boolean: (b) => String(b) } }) : null
    csv?.pipe(out)
    const write = async (chunk: string | Record<string, unknown>): Promise<void> => {
      const target = csv ?? out
      if (!target.write(chunk)) await once(target, 'drain')
    }
    if (!csv) await write('[')
    let rows = 0
    for await (const row of source) {
      await write(csv ? row : `${rows === 0 ? '\n' : ',\n'}${JSON.stringify(row)}`)
      rows++
    }
    if (csv) csv.end()
    else out.end(rows ? '\n]\n' : ']\n')
    await once(out, 'finish')
    try {
      renameRetrying(temp, path)
    } catch (error) {
      throw unwritable(path, error)
    }
    return rows
  } catch (error) {
    out.destroy()
    await rm(temp, { force: true })
    throw (error as NodeJS.ErrnoException).syscall ? unwritable(path, error) : error
  }
}
