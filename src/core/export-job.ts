import { stringify } from 'csv-stringify'
import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import type { JobSpec } from '../shared/job-spec'
import { UserError } from '../shared/user-error'
import { hooksFor } from './kinds'
import type { JobStore } from './store/job-store'

const PAGE = 2000

/**
 * Writes a job's result rows to CSV or JSON, page by page from SQLite (never the whole job in memory),
 * under a temporary name renamed into place at the end: a failed export leaves no half file.
 */
export async function exportJob(store: JobStore, jobId: number, format: 'csv' | 'json', path: string): Promise<{ path: string; rows: number }> {
  const row = store.job(jobId)
  if (!row) throw new UserError(`There is no job ${jobId}.`, 'no-such-job')
  const spec = JSON.parse(row.spec) as JobSpec
  const exporter = hooksFor(spec).exportRows
  if (!exporter) throw new UserError(`Jobs of kind ${spec.kind} have no table to export.`, 'no-export')
  const target = resolve(path)
  const temp = join(dirname(target), `.${basename(target)}.taskfarm-export-${process.pid}.part`)
  const file = createWriteStream(temp)
  const failed = new Promise<never>((_, reject) =>
    file.on('error', (e: NodeJS.ErrnoException) => reject(new UserError(`Cannot write ${target}: ${e.code === 'ENOENT' ? 'its folder does not exist' : e.message}.`, 'cannot-write'))),
  )
  let rows = 0
  const write = async (text: string): Promise<void> => {
    if (!file.write(text)) await Promise.race([once(file, 'drain'), failed])
  }
  try {
    const csv = format === 'csv' ? stringify({ header: true, columns: [...exporter.columns] }) : null
    csv?.on('data', (chunk: Buffer) => file.write(chunk))
    if (format === 'json') await write('[\n')
    for (let offset = 0; ; offset += PAGE) {
      const { items } = store.items(jobId, { limit: PAGE, offset })
      for (const item of items) {
        const record = exporter.row(item)
        if (csv) csv.write(record)
        else await write(`${rows ? ',\n' : ''}${JSON.stringify(record)}`)
        rows++
      }
      if (items.length < PAGE) break
      await new Promise((r) => setImmediate(r)) // Let the farm breathe between pages.
    }
    if (csv) {
      csv.end()
      await once(csv, 'end')
    } else await write('\n]\n')
    file.end()
    await Promise.race([once(file, 'finish'), failed])
    await rename(temp, target)
    return { path: target, rows }
  } catch (error) {
    file.destroy()
    await rm(temp, { force: true })
    throw error
  }
}
